// The order findings about files are reported in: by file (the files of the configuration in
// the order they were given, then any other file by name), then line, then column, each
// finding once. Locations are read from the `file:line:col` (or `file:line`) a finding carries.

import ZweMessages

enum DiagnosticOrder {
    static func sortedUnique(_ diagnostics: [Diagnostic], fileOrder: [String] = []) -> [Diagnostic] {
        var unique: [Diagnostic] = []
        for diagnostic in diagnostics where !unique.contains(diagnostic) { unique.append(diagnostic) }
        let keyed = unique.enumerated().map { (index: $0.offset, key: SortKey($0.element.location, fileOrder: fileOrder), diagnostic: $0.element) }
        return keyed.sorted { $0.key == $1.key ? $0.index < $1.index : $0.key < $1.key }.map(\.diagnostic)
    }

    struct SortKey: Comparable {
        let fileRank: Int
        let file: String
        let line: Int
        let column: Int

        init(_ location: String?, fileOrder: [String]) {
            var file = location ?? ""
            var numbers: [Int] = []
            // Up to two numbers from the right: `path:12:5`, `path:12`.
            while numbers.count < 2, let colon = file.lastIndex(of: ":"), let number = Int(file[file.index(after: colon)...]) {
                numbers.insert(number, at: 0)
                file = String(file[..<colon])
            }
            self.file = file
            fileRank = fileOrder.firstIndex(of: file) ?? fileOrder.count
            line = numbers.first ?? 0
            column = numbers.count > 1 ? numbers[1] : 0
        }

        static func < (lhs: SortKey, rhs: SortKey) -> Bool {
            (lhs.fileRank, lhs.file, lhs.line, lhs.column) < (rhs.fileRank, rhs.file, rhs.line, rhs.column)
        }
    }
}
