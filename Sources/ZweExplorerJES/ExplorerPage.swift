import Foundation
import ZweComponentRuntime

/// The JES explorer: one self-contained HTML document used through the gateway. Its script
/// logs in with the gateway (`/gateway/api/v1/auth/login`, which sets the HttpOnly token
/// cookie), lists jobs through the jobs API (`/jobs/api/v2`), opens a job's spool files and
/// purges jobs. Every value from a job reaches the page through `textContent`, never as markup.
enum ExplorerPage {
    static let style = """
        body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0; color: #1d232a; background: #f6f8fa; }
        header { background: #0f3057; color: #fff; padding: 14px 24px; display: flex; justify-content: space-between; align-items: center; }
        header h1 { margin: 0; font-size: 1.4rem; }
        main { padding: 16px 24px; }
        form, section { background: #fff; border: 1px solid #d8dde3; border-radius: 6px; padding: 12px 16px; margin: 0 0 16px; }
        label { margin-right: 12px; }
        input { margin-left: 4px; }
        table { border-collapse: collapse; width: 100%; }
        th, td { text-align: left; padding: 5px 8px; border-top: 1px solid #d8dde3; font-size: 0.9rem; }
        pre { background: #0d1117; color: #e6edf3; padding: 10px; overflow: auto; max-height: 50vh; }
        #message { min-height: 1.2em; color: #b3261e; font-weight: 600; }
        .hidden { display: none; }
        button { margin-right: 4px; }
        """

    static let script = """
        "use strict";
        (function () {
          var JOBS = "/jobs/api/v2";
          var AUTH = "/gateway/api/v1/auth";
          function $(id) { return document.getElementById(id); }
          function say(text) { $("message").textContent = text || ""; }
          function request(method, url, body) {
            var options = { method: method, credentials: "same-origin", headers: { "Accept": "application/json" } };
            if (body !== undefined) { options.headers["Content-Type"] = "application/json"; options.body = JSON.stringify(body); }
            return fetch(url, options).then(function (response) {
              if (response.status === 204) { return null; }
              return response.json().catch(function () { return {}; }).then(function (data) {
                if (!response.ok) {
                  var text = (data && data.message) || (data && data.messages && data.messages[0] && data.messages[0].messageContent) || ("HTTP " + response.status);
                  var error = new Error(text); error.status = response.status; throw error;
                }
                return data;
              });
            });
          }
          function showLogin() { $("login-form").classList.remove("hidden"); $("explorer").classList.add("hidden"); $("user").textContent = ""; $("logout").classList.add("hidden"); }
          function showExplorer(user) {
            $("login-form").classList.add("hidden"); $("explorer").classList.remove("hidden");
            $("user").textContent = user; $("logout").classList.remove("hidden");
            if (!$("owner").value) { $("owner").value = user; }
            listJobs();
          }
          function cell(row, text) { var td = document.createElement("td"); td.textContent = text == null ? "" : String(text); row.appendChild(td); return td; }
          function button(label, className, action) { var b = document.createElement("button"); b.type = "button"; b.textContent = label; b.className = className; b.addEventListener("click", action); return b; }
          function listJobs() {
            say("");
            var query = "?owner=" + encodeURIComponent($("owner").value || "*") + "&prefix=" + encodeURIComponent($("prefix").value || "*");
            return request("GET", JOBS + query).then(function (data) {
              var body = $("jobs"); body.textContent = "";
              (data.items || []).forEach(function (job) {
                var row = document.createElement("tr");
                row.setAttribute("data-job-id", job.jobId);
                cell(row, job.jobName); cell(row, job.jobId); cell(row, job.owner); cell(row, job.status); cell(row, job.returnCode);
                var actions = cell(row, "");
                actions.appendChild(button("Open", "open", function () { openJob(job); }));
                actions.appendChild(button("Purge", "purge", function () { purgeJob(job); }));
                body.appendChild(row);
              });
              $("count").textContent = String((data.items || []).length);
            }).catch(function (error) { if (error.status === 401) { showLogin(); } say(error.message); });
          }
          function openJob(job) {
            say("");
            var base = JOBS + "/" + encodeURIComponent(job.jobName) + "/" + encodeURIComponent(job.jobId);
            $("job-title").textContent = job.jobName + " " + job.jobId + " " + (job.returnCode || job.status);
            $("content").textContent = "";
            request("GET", base + "/files").then(function (data) {
              var list = $("files"); list.textContent = "";
              (data.items || []).forEach(function (file) {
                var item = document.createElement("li");
                item.appendChild(button(file.ddName + " (" + file.recordCount + " records)", "file", function () {
                  request("GET", base + "/files/" + file.id + "/content").then(function (content) {
                    $("content").textContent = content.content;
                    $("content").setAttribute("data-dd-name", file.ddName);
                  }).catch(function (error) { say(error.message); });
                }));
                list.appendChild(item);
              });
              $("spool").classList.remove("hidden");
            }).catch(function (error) { say(error.message); });
          }
          function purgeJob(job) {
            request("DELETE", JOBS + "/" + encodeURIComponent(job.jobName) + "/" + encodeURIComponent(job.jobId))
              .then(function () { say("Purged " + job.jobName + " " + job.jobId); $("spool").classList.add("hidden"); return listJobs(); })
              .catch(function (error) { say(error.message); });
          }
          $("login-form").addEventListener("submit", function (event) {
            event.preventDefault();
            say("");
            request("POST", AUTH + "/login", { username: $("username").value, password: $("password").value })
              .then(function () { return request("GET", AUTH + "/query"); })
              .then(function (who) { $("password").value = ""; showExplorer(who.userId); })
              .catch(function (error) { say(error.message); });
          });
          $("filter").addEventListener("submit", function (event) { event.preventDefault(); listJobs(); });
          $("logout").addEventListener("click", function () {
            request("POST", AUTH + "/logout").catch(function () {}).then(showLogin);
          });
          request("GET", AUTH + "/query").then(function (who) { showExplorer(who.userId); }).catch(showLogin);
        })();
        """

    static let html = """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <title>JES Explorer</title>
        <style>\(style)</style>
        </head>
        <body>
        <header><h1>JES Explorer</h1><span><span id="user"></span> <button type="button" id="logout" class="hidden">Log out</button></span></header>
        <main>
        <p id="message" role="status"></p>
        <form id="login-form" class="hidden">
        <label>User <input id="username" name="username" autocomplete="username" required></label>
        <label>Password <input id="password" name="password" type="password" autocomplete="current-password" required></label>
        <button type="submit" id="login-button">Log in</button>
        </form>
        <div id="explorer" class="hidden">
        <form id="filter">
        <label>Owner <input id="owner" name="owner"></label>
        <label>Prefix <input id="prefix" name="prefix" value="*"></label>
        <button type="submit" id="refresh">List jobs</button> <span id="count"></span> jobs
        </form>
        <section>
        <table><thead><tr><th>Name</th><th>Id</th><th>Owner</th><th>Status</th><th>Return code</th><th></th></tr></thead>
        <tbody id="jobs"></tbody></table>
        </section>
        <section id="spool" class="hidden">
        <h2 id="job-title"></h2>
        <ul id="files"></ul>
        <pre id="content"></pre>
        </section>
        </div>
        </main>
        <script>\(script)</script>
        </body>
        </html>

        """

    /// Only the page's own inline script and style run; it talks only to its own origin.
    static let contentSecurityPolicy = WebPage.contentSecurityPolicy(
        script: script, style: style, extra: "connect-src 'self'; form-action 'self'")
}
