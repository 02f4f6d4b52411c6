import Crypto
import Foundation
import ZweComponentRuntime

/// The catalog's web page: one self-contained HTML document (no external assets, nothing
/// fetched but the catalog's own JSON) whose inline script lists the services and refreshes
/// the list every few seconds. Every value from the registry reaches the page through
/// `textContent` or as a checked link target, never as markup.
enum CatalogPage {
    /// Milliseconds between refreshes.
    static let refreshMilliseconds = 5000

    static let style = """
        :root { color-scheme: light; --ok: #1b7f3b; --bad: #b3261e; --warn: #8a5a00; --line: #d8dde3; }
        body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0; color: #1d232a; background: #f6f8fa; }
        header { background: #0f3057; color: #fff; padding: 16px 24px; }
        header h1 { margin: 0 0 4px; font-size: 1.5rem; }
        #state { margin: 0; font-size: 0.9rem; opacity: 0.9; }
        #state.error { color: #ffd6d3; font-weight: 600; opacity: 1; }
        main { padding: 16px 24px; }
        section.container { background: #fff; border: 1px solid var(--line); border-radius: 6px; margin: 0 0 16px; padding: 12px 16px; }
        section.container h2 { margin: 0 0 4px; font-size: 1.15rem; }
        p.description { margin: 0 0 8px; color: #57606a; }
        table { border-collapse: collapse; width: 100%; }
        th, td { text-align: left; vertical-align: top; padding: 6px 8px; border-top: 1px solid var(--line); font-size: 0.9rem; }
        th { color: #57606a; font-weight: 600; }
        ul { margin: 0; padding-left: 1.1em; }
        code { font-family: ui-monospace, "SFMono-Regular", Menlo, monospace; font-size: 0.85rem; }
        .status { display: inline-block; padding: 1px 6px; border-radius: 3px; font-size: 0.8rem; font-weight: 600; color: #fff; background: var(--bad); }
        .status.up { background: var(--ok); }
        .status.warning { background: var(--warn); }
        .service-title { color: #57606a; display: block; }
        .empty { color: #57606a; font-style: italic; }
        """

    static let script = """
        "use strict";
        (function () {
          var REFRESH_MS = \(refreshMilliseconds);
          var state = document.getElementById("state");
          var list = document.getElementById("containers");

          // Relative to the page, so that it works on the catalog itself (/apicatalog) and
          // through the gateway (/apicatalog/ui/v1/, /ui/v1/apicatalog/) alike.
          function containersURL() {
            var path = window.location.pathname;
            if (path.charAt(path.length - 1) !== "/") { path += "/"; }
            return path + "api/v1/containers";
          }

          function el(tag, className, text) {
            var node = document.createElement(tag);
            if (className) { node.className = className; }
            if (text !== undefined && text !== null) { node.textContent = String(text); }
            return node;
          }

          function badge(status) {
            var text = String(status || "UNKNOWN");
            var kind = text === "UP" ? "up" : (text === "WARNING" ? "warning" : "down");
            return el("span", "status " + kind, text);
          }

          // Only web addresses become links: a registry entry cannot smuggle in javascript: URLs.
          function link(url) {
            var text = String(url || "");
            if (!/^https?:\\/\\//i.test(text)) { return el("code", null, text); }
            var anchor = el("a", null, text);
            anchor.setAttribute("href", text);
            anchor.setAttribute("rel", "noopener noreferrer");
            return anchor;
          }

          function arrayOf(value) { return Array.isArray(value) ? value : []; }

          function serviceRow(service) {
            var row = el("tr", "service");
            var name = el("td");
            name.appendChild(el("code", "service-id", service.serviceId));
            if (service.title && service.title !== service.serviceId) {
              name.appendChild(el("span", "service-title", service.title));
            }
            row.appendChild(name);
            var status = el("td");
            status.appendChild(badge(service.status));
            row.appendChild(status);
            var routes = el("td");
            var routeList = el("ul");
            arrayOf(service.routes).forEach(function (route) {
              var item = el("li");
              item.appendChild(el("code", null, route.gatewayUrl));
              item.appendChild(document.createTextNode(" \\u2192 "));
              item.appendChild(el("code", null, route.serviceUrl));
              routeList.appendChild(item);
            });
            if (routeList.childNodes.length === 0) { routes.appendChild(el("span", "empty", "no routes")); }
            else { routes.appendChild(routeList); }
            row.appendChild(routes);
            var instances = el("td");
            var instanceList = el("ul");
            arrayOf(service.instances).forEach(function (instance) {
              var item = el("li", "instance");
              item.appendChild(el("code", null, instance.instanceId));
              item.appendChild(document.createTextNode(" "));
              item.appendChild(badge(instance.status));
              item.appendChild(document.createTextNode(" "));
              item.appendChild(link(instance.homePageUrl));
              instanceList.appendChild(item);
            });
            instances.appendChild(instanceList);
            row.appendChild(instances);
            return row;
          }

          function render(containers) {
            var fragment = document.createDocumentFragment();
            var services = 0;
            arrayOf(containers).forEach(function (container) {
              var section = el("section", "container");
              var heading = el("h2", null, container.title || container.id);
              heading.appendChild(document.createTextNode(" "));
              heading.appendChild(badge(container.status));
              section.appendChild(heading);
              if (container.description) { section.appendChild(el("p", "description", container.description)); }
              var table = el("table");
              var head = el("tr");
              ["Service", "Status", "Routes", "Instances"].forEach(function (title) { head.appendChild(el("th", null, title)); });
              table.appendChild(head);
              arrayOf(container.services).forEach(function (service) {
                table.appendChild(serviceRow(service));
                services += 1;
              });
              section.appendChild(table);
              fragment.appendChild(section);
            });
            if (services === 0) { fragment.appendChild(el("p", "empty", "No service is registered with discovery.")); }
            while (list.firstChild) { list.removeChild(list.firstChild); }
            list.appendChild(fragment);
            return services;
          }

          function report(text, isError) {
            state.textContent = text;
            state.className = isError ? "error" : "";
          }

          function refresh() {
            fetch(containersURL(), { headers: { "Accept": "application/json" }, cache: "no-store", credentials: "same-origin" })
              .then(function (response) {
                return response.json().then(function (body) { return { ok: response.ok, status: response.status, body: body }; },
                                            function () { return { ok: false, status: response.status, body: null }; });
              })
              .then(function (answer) {
                if (!answer.ok) {
                  var message = answer.body && arrayOf(answer.body.messages)[0];
                  report(message ? message.messageNumber + " " + message.messageContent
                                 : "The catalog answered HTTP status " + answer.status, true);
                  return;
                }
                var count = render(answer.body);
                report(count + (count === 1 ? " service" : " services") + ", updated " + new Date().toLocaleTimeString(), false);
              })
              .catch(function (error) { report("Cannot read the list of services: " + error.message, true); })
              .then(function () { window.setTimeout(refresh, REFRESH_MS); });
          }

          refresh();
        })();
        """

    static let html = """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>API Catalog</title>
        <style>\(style)</style>
        </head>
        <body>
        <header>
        <h1>API Catalog</h1>
        <p id="state" role="status">Reading the services from discovery...</p>
        </header>
        <main id="containers"></main>
        <noscript><p>This page needs JavaScript to list the services; the list is also at api/v1/containers as JSON.</p></noscript>
        <script>\(script)</script>
        </body>
        </html>

        """

    /// Allows exactly the inline style and script above, requests to the catalog itself, and nothing else.
    static let contentSecurityPolicy = WebPage.contentSecurityPolicy(
        script: script, style: style, extra: "connect-src 'self'; img-src 'self'; form-action 'none'")
}
