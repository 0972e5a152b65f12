import Mustache

/// The console's templates, compiled into the binary (no resource files to lose). `{{ }}` escapes
/// HTML, so a value from the database can never become markup.
enum ConsolePages {
    static let library: MustacheLibrary = {
        var library = MustacheLibrary()
        // The templates are constants of this file: a parse failure is a programming error.
        for (name, text) in [
            ("layout-head", layoutHead), ("layout-foot", layoutFoot), ("login", login), ("overview", overview), ("message", message),
            ("patients", patients), ("patient", patient), ("audit", audit), ("alerts", alerts), ("conflicts", conflicts),
            ("coverage", coverage), ("day", day),
        ] {
            try! library.register(text, named: name)
        }
        return library
    }()

    static func render(_ name: String, _ object: [String: Any]) -> String {
        library.render(object, withTemplate: name) ?? ""
    }

    static let layoutHead = """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        {{#refresh}}<meta http-equiv="refresh" content="{{refresh}};url=/?auto=1">{{/refresh}}
        <title>{{title}} · ClinicSync {{site}}</title>
        <link rel="stylesheet" href="/style.css">
        </head>
        <body>
        <header>
        <strong>ClinicSync</strong> <span class="site">{{site}}</span>
        {{#account}}
        <nav aria-label="main"><a href="/">Overview</a> <a href="/alerts">Alerts</a> <a href="/conflicts">Conflicts</a>
        <a href="/patients">Patients</a> <a href="/day">Day</a> <a href="/coverage/new">Coverage check</a>
        {{#isAdmin}}<a href="/audit">Access log</a>{{/isAdmin}}</nav>
        <form method="post" action="/logout" class="signout">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <span>{{account}} ({{role}})</span> <button type="submit">Sign out</button>
        </form>
        {{/account}}
        </header>
        <main>
        """

    static let layoutFoot = """
        </main>
        </body>
        </html>
        """

    static let login = """
        {{> layout-head}}
        <h1>Sign in</h1>
        {{#error}}<p class="error" role="alert">{{error}}</p>{{/error}}
        <form method="post" action="/login">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <p><label for="name">Name</label><br><input id="name" name="name" autocomplete="username" required autofocus value="{{name}}"></p>
        <p><label for="password">Password</label><br>
        <input id="password" name="password" type="password" autocomplete="current-password" required></p>
        <p><button type="submit">Sign in</button></p>
        </form>
        {{> layout-foot}}
        """

    static let overview = """
        {{> layout-head}}
        <h1>Overview</h1>
        <section aria-labelledby="site-heading">
        <h2 id="site-heading">This site</h2>
        <dl>
        <dt>Site</dt><dd>{{site}}</dd>
        <dt>Version</dt><dd>{{version}}</dd>
        <dt>Daemon</dt><dd>{{daemon}}</dd>
        <dt>Database</dt><dd>{{database}} ({{databaseSize}})</dd>
        <dt>Clock</dt><dd>{{clock}}</dd>
        <dt>Open alerts</dt><dd>{{openAlerts}}</dd>
        <dt>Unreviewed conflicts</dt><dd>{{unreviewedConflicts}}</dd>
        </dl>
        </section>
        <section aria-labelledby="peers-heading">
        <h2 id="peers-heading">Peers</h2>
        {{^peers}}<p>No peers are configured.</p>{{/peers}}
        {{#hasPeers}}
        <table>
        <thead><tr><th scope="col">Peer</th><th scope="col">Last attempt</th><th scope="col">Last success</th>
        <th scope="col">Changes waiting</th><th scope="col">Last error</th></tr></thead>
        <tbody>
        {{#peers}}<tr><td>{{name}}</td><td>{{lastAttempt}}</td><td>{{lastSuccess}}</td><td>{{waiting}}</td><td>{{lastError}}</td></tr>{{/peers}}
        </tbody>
        </table>
        {{/hasPeers}}
        </section>
        <p class="note">Refreshed every {{refresh}} seconds; times in UTC.</p>
        {{> layout-foot}}
        """

    static let patients = """
        {{> layout-head}}
        <h1>Patients</h1>
        <form method="get" action="/patients">
        <p><label for="id">Patient id</label><br><input id="id" name="id" required autofocus value="{{query}}">
        <button type="submit">Show</button></p>
        </form>
        {{#notFound}}<p class="error" role="alert">Nothing at this site names patient id {{query}}.</p>{{/notFound}}
        {{> layout-foot}}
        """

    static let patient = """
        {{> layout-head}}
        <h1>Patient {{patientID}}</h1>
        <section aria-labelledby="rx-heading">
        <h2 id="rx-heading">Prescriptions</h2>
        {{^prescriptions}}<p>None.</p>{{/prescriptions}}
        {{#prescriptions}}
        <article>
        <h3>{{payer}}, {{issuedOn}} to {{expiresOn}} <small>{{id}}</small></h3>
        <p>{{usage}}</p>
        <p>{{scope}}</p>
        </article>
        {{/prescriptions}}
        </section>
        <section aria-labelledby="coverage-heading">
        <h2 id="coverage-heading">Coverage in force</h2>
        {{^coverage}}<p>No coverage check recorded.</p>{{/coverage}}
        <ul>{{#coverage}}<li>{{.}}</li>{{/coverage}}</ul>
        </section>
        <section aria-labelledby="upcoming-heading">
        <h2 id="upcoming-heading">Upcoming appointments, every site</h2>
        {{^upcoming}}<p>None.</p>{{/upcoming}}
        {{#hasUpcoming}}
        <table><thead><tr><th scope="col">Starts at (UTC)</th><th scope="col">Site</th><th scope="col">Status</th>
        <th scope="col">Appointment</th></tr></thead>
        <tbody>{{#upcoming}}<tr><td>{{startsAt}}</td><td>{{site}}</td><td>{{status}}</td><td>{{id}}</td></tr>{{/upcoming}}</tbody></table>
        {{/hasUpcoming}}
        </section>
        <section aria-labelledby="alerts-heading">
        <h2 id="alerts-heading">Open alerts</h2>
        {{^alerts}}<p>None.</p>{{/alerts}}
        <ul>{{#alerts}}<li><strong>{{kind}}</strong> {{message}} <small>{{id}}</small></li>{{/alerts}}</ul>
        </section>
        {{> layout-foot}}
        """

    static let audit = """
        {{> layout-head}}
        <h1>Access log</h1>
        <p>Every view of a patient's data in this console, newest first (the last {{limit}}).</p>
        {{^entries}}<p>No views recorded.</p>{{/entries}}
        {{#hasEntries}}
        <table><thead><tr><th scope="col">When (UTC)</th><th scope="col">Account</th><th scope="col">Patient</th>
        <th scope="col">Page</th></tr></thead>
        <tbody>{{#entries}}<tr><td>{{at}}</td><td>{{account}}</td><td>{{patientID}}</td><td>{{page}}</td></tr>{{/entries}}</tbody></table>
        {{/hasEntries}}
        {{> layout-foot}}
        """

    static let alerts = """
        {{> layout-head}}
        <h1>Alerts</h1>
        {{#notice}}<p class="notice" role="status">{{notice}}</p>{{/notice}}
        {{#error}}<p class="error" role="alert">{{error}}</p>{{/error}}
        {{^hasAlerts}}<p>No open alerts.</p>{{/hasAlerts}}
        {{#kinds}}
        <section>
        <h2>{{kind}} ({{count}})</h2>
        {{#alerts}}
        <article class="alert">
        <p><strong>{{id}}</strong> · patient {{patient}} · prescription {{prescription}} · sites {{sites}}</p>
        <p>Appointments: {{appointments}}</p>
        <p>{{message}}</p>
        <form method="post" action="/alerts/ack">
        <input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="id" value="{{id}}">
        <label>Note <input name="note" size="50"></label> <button type="submit">Acknowledge</button>
        </form>
        </article>
        {{/alerts}}
        </section>
        {{/kinds}}
        {{> layout-foot}}
        """

    static let conflicts = """
        {{> layout-head}}
        <h1>Conflicts</h1>
        <p class="note">Values one site wrote without knowing of another's; the newer won everywhere. Times in {{timeZone}}.</p>
        {{#notice}}<p class="notice" role="status">{{notice}}</p>{{/notice}}
        {{#error}}<p class="error" role="alert">{{error}}</p>{{/error}}
        {{^hasEntries}}<p>No unreviewed conflicts.</p>{{/hasEntries}}
        {{#entries}}
        <article class="conflict">
        <h2>{{table}} {{row}}: {{column}} <small>{{id}}</small></h2>
        <dl>
        <dt>Kept (won)</dt><dd>{{winner}} <small>from {{winnerSite}} at {{winnerTime}}</small></dd>
        <dt>Overwritten (lost)</dt><dd>{{loser}} <small>from {{loserSite}} at {{loserTime}}</small></dd>
        </dl>
        {{#isAdmin}}
        <form method="post" action="/conflicts/resolve">
        <input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="id" value="{{id}}">
        <fieldset><legend>Resolve</legend>
        <label><input type="radio" name="decision" value="winner" checked> keep what won</label>
        <label><input type="radio" name="decision" value="loser"> write what lost again</label>
        <label><input type="radio" name="decision" value="value"> write a new value:</label> <input name="value" aria-label="new value">
        <br><label>Note <input name="note" size="50"></label> <button type="submit">Resolve</button>
        </fieldset>
        </form>
        {{/isAdmin}}
        </article>
        {{/entries}}
        {{> layout-foot}}
        """

    static let coverage = """
        {{> layout-head}}
        <h1>Record a coverage check</h1>
        <p>What the payer confirmed on the phone; it syncs to every site.</p>
        {{#error}}<p class="error" role="alert">{{error}}</p>{{/error}}
        <form method="post" action="/coverage">
        <input type="hidden" name="csrf" value="{{csrf}}">
        {{#fields}}
        <p><label for="{{name}}">{{label}}</label>{{#hint}} <small>({{hint}})</small>{{/hint}}<br>
        <input id="{{name}}" name="{{name}}" value="{{value}}"{{#fieldError}} aria-invalid="true" aria-describedby="{{name}}-error"{{/fieldError}}>
        {{#fieldError}}<span class="error" id="{{name}}-error">{{label}}: {{fieldError}}</span>{{/fieldError}}</p>
        {{/fields}}
        <p><button type="submit">Record</button></p>
        </form>
        {{> layout-foot}}
        """

    static let day = """
        {{> layout-head}}
        <h1>Day {{date}}</h1>
        <p><a href="/day?date={{previous}}">Previous day</a> · <a href="/day?date={{next}}">Next day</a></p>
        <form method="get" action="/day"><label for="date">Date</label> <input id="date" name="date" value="{{date}}">
        <button type="submit">Show</button></form>
        {{#empty}}<p>No appointments at any site.</p>{{/empty}}
        {{#therapists}}
        <section>
        <h2>{{therapist}}</h2>
        <table><thead><tr><th scope="col">Starts at</th><th scope="col">Minutes</th><th scope="col">Site</th><th scope="col">Patient</th>
        <th scope="col">Status</th><th scope="col">Region</th><th scope="col">Double booked</th></tr></thead>
        <tbody>{{#visits}}<tr{{#doubled}} class="doubled"{{/doubled}}><td>{{startsAt}}</td><td>{{minutes}}</td><td>{{site}}</td>
        <td>{{name}} ({{patient}})</td><td>{{status}}</td><td>{{region}}</td><td>{{#doubled}}DOUBLE BOOKED{{/doubled}}</td></tr>{{/visits}}</tbody>
        </table>
        </section>
        {{/therapists}}
        {{> layout-foot}}
        """

    static let message = """
        {{> layout-head}}
        <h1>{{title}}</h1>
        <p>{{text}}</p>
        <p><a href="/">Back to the overview</a></p>
        {{> layout-foot}}
        """

    static let stylesheet = """
        body { font-family: system-ui, sans-serif; margin: 0; color: #1d1d1f; background: #fff; }
        header { display: flex; gap: 1.5em; align-items: center; padding: .6em 1.2em; background: #1f4e79; color: #fff; }
        header a, header button { color: #fff; }
        header .signout { margin-left: auto; }
        button { font: inherit; padding: .3em .9em; }
        header button { background: transparent; border: 1px solid #fff; border-radius: 3px; }
        main { padding: 1em 1.2em; max-width: 70em; }
        dl { display: grid; grid-template-columns: max-content auto; gap: .3em 1.2em; }
        dt { font-weight: 600; }
        table { border-collapse: collapse; }
        th, td { text-align: left; padding: .3em .8em; border-bottom: 1px solid #ccc; }
        .error { color: #a00; font-weight: 600; }
        .notice { color: #075e1c; font-weight: 600; }
        article { border-top: 1px solid #ccc; padding: .4em 0; }
        fieldset { border: 1px solid #ccc; }
        tr.doubled { background: #fff1d6; font-weight: 600; }
        input[aria-invalid="true"] { border: 2px solid #a00; }
        .note { color: #555; font-size: .9em; }
        a:focus, button:focus, input:focus { outline: 3px solid #f0a500; outline-offset: 1px; }
        @media print { header nav, header form, .note { display: none; } header { background: none; color: #000; } }
        """
}
