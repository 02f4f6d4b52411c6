import Foundation

/// The time stamps and fixed texts of JES2's job log and the system messages, in the layouts a
/// z/OS user knows (times are UTC).
enum SpoolText {
    struct Moment {
        let milliseconds: Int64
        private let parts: tm

        init(_ milliseconds: Int64) {
            self.milliseconds = milliseconds
            var seconds = time_t(milliseconds / 1000)
            var parts = tm()
            gmtime_r(&seconds, &parts)
            self.parts = parts
        }

        /// `HH.MM.SS`, the job log's time column.
        var clock: String { "\(two(parts.tm_hour)).\(two(parts.tm_min)).\(two(parts.tm_sec))" }
        /// `yyyyddd.hhmm`, the Julian form of IEF373I and friends.
        var julian: String {
            let day = String(parts.tm_yday + 1)
            return "\(parts.tm_year + 1900)\(String(repeating: "0", count: 3 - day.count))\(day).\(two(parts.tm_hour))\(two(parts.tm_min))"
        }
        /// `01 JAN 2024`.
        var date: String {
            let months = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
            return "\(two(parts.tm_mday)) \(months[Int(parts.tm_mon)]) \(parts.tm_year + 1900)"
        }
        var weekday: String {
            ["SUNDAY", "MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY"][Int(parts.tm_wday)]
        }
        /// ISO 8601 with milliseconds, as z/OSMF's exec-data fields show times.
        var iso: String {
            let millis = String(milliseconds % 1000)
            return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)).\(String(repeating: "0", count: 3 - millis.count))\(millis)Z"
        }

        private func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
    }

    /// `name` left-justified in `width` columns.
    static func column(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }

    /// `value` right-justified in `width` columns.
    static func right(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: " ", count: width - text.count) + text
    }

    /// A return code as JES shows it: four digits.
    static func code(_ value: Int) -> String { JobNumbering.padded(value, 4) }
}
