/// The page at `/`: where to go from the gateway (the API catalog, the JES explorer) and the
/// services it routes to right now, each with its gateway URLs. No script, no external asset.
enum LandingPage {
    static func html(_ table: RouteTable) -> String {
        var rows = ""
        for service in table.services.values.sorted(by: { $0.serviceID < $1.serviceID })
        where !RouteTable.unroutable.contains(service.serviceID) {
            let links = service.routes.map { route in
                let url = "/\(service.serviceID)/\(route.gatewayURL)/"
                return "<a href=\"\(escape(url))\">\(escape(url))</a>"
            }.joined(separator: " ")
            let up = service.upInstances.count
            rows += "<tr><td>\(escape(service.serviceID))</td><td>\(escape(service.title))</td>"
                + "<td>\(up) of \(service.instances.count) UP</td><td>\(links)</td></tr>\n"
        }
        if rows.isEmpty { rows = "<tr><td colspan=\"4\">No service is registered with discovery yet.</td></tr>\n" }
        return """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <title>Zowe API Gateway</title>
            <style>
            body { font-family: sans-serif; margin: 2em; color: #222; }
            table { border-collapse: collapse; } td, th { padding: 0.3em 0.8em; border-bottom: 1px solid #ddd; text-align: left; }
            </style>
            </head>
            <body>
            <h1>Zowe API Gateway</h1>
            <ul>
            <li><a href="/apicatalog/ui/v1/">API Catalog</a>: every service registered with discovery</li>
            <li><a href="/explorer-jes/ui/v1/">JES Explorer</a>: jobs and their output</li>
            <li><a href="/gateway/api/v1/services">Services (JSON)</a> and <a href="/application/health">health</a></li>
            </ul>
            <h2>Services routed now</h2>
            <table>
            <tr><th>Service id</th><th>Title</th><th>Instances</th><th>Gateway URLs</th></tr>
            \(rows)</table>
            </body>
            </html>

            """
    }

    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }
}
