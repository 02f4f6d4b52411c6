// Messages of the z/OSMF stub (ZWEL1850-1899): start, stop and what it runs on
// (ZWEL1850-1859), bad settings (ZWEL1860-1879), the running server and its JES (ZWEL1880-1889).

extension MessageCatalog {
    // MARK: start and stop (ZWEL1850-1859)
    public static let zosmfListening = MessageDefinition(
        "ZWEL1850I", "z/OSMF stub listening on {url} (data {dir}, pid {pid})",
        cause: "The z/OSMF stub answers /zosmf/info, /zosmf/services/authenticate and /zosmf/restjobs on this address.",
        fix: "No action is needed. Point ZOSMF_HOST and ZOSMF_PORT of an instance at it, and trust its certificate.")
    public static let zosmfCertificateInUse = MessageDefinition(
        "ZWEL1851I", "z/OSMF stub certificate {path} ({origin}; subject alternative names {names}; SHA-256 {fingerprint})",
        cause: "This is the certificate the z/OSMF stub presents. Zowe does not manage it: an instance trusts it only once it is in the instance's truststore.",
        fix: "To trust it, give this file to the keystore setup (ZOSMF_CERTIFICATE={path}) and run the setup again.")
    public static let zosmfUsersLoaded = MessageDefinition(
        "ZWEL1852I", "z/OSMF stub users: {users} (from {source})",
        cause: "These user ids may log on with Basic authentication or a jwtToken cookie.",
        fix: "No action is needed. Use --users FILE (one user:password or user:{SHA256}hex per line) for others.")
    public static let zosmfJobsRecovered = MessageDefinition(
        "ZWEL1853I", "z/OSMF stub JES: {jobs} jobs on the spool, {requeued} of them queued again to run from their start; next job number {next}",
        cause: "The jobs of the data directory were read at start-up. A job that had not reached OUTPUT when the stub last ended runs again from its start.",
        fix: "No action is needed.")
    public static let zosmfStartedInBackground = MessageDefinition(
        "ZWEL1854I", "z/OSMF stub runs in the background, pid {pid}; log {log}; stop it with 'zwe zosmf-stub stop --data {dir}'",
        cause: "The stub was started with --detach: it runs in its own session, writes its output to the log and its pid to zosmf.pid.",
        fix: "No action is needed.")
    public static let zosmfStopped = MessageDefinition(
        "ZWEL1855I", "z/OSMF stub (pid {pid}) on {dir} stopped",
        cause: "The stub got SIGTERM, finished the requests it was answering and ended.",
        fix: "No action is needed.")
    public static let zosmfNotRunning = MessageDefinition(
        "ZWEL1856I", "No z/OSMF stub runs on {dir}",
        cause: "No process holds the lock of this data directory, so there is nothing to stop.",
        fix: "No action is needed. Check --data if a stub should be running.")
    public static let zosmfCertificateReplaced = MessageDefinition(
        "ZWEL1857W", "z/OSMF stub: the certificate in {dir} was for {old}; a new self-signed certificate is made for {new}",
        cause: "The stored certificate does not match the host name (--hostname), has expired, or does not match its key, so it cannot be reused.",
        fix: "Clients that trusted the old certificate must trust the new one (its path is in the next message).")
    public static let zosmfJobRequeued = MessageDefinition(
        "ZWEL1858W", "z/OSMF stub JES: job {job} ({name}) was {status} when the stub last ended; it runs again from its start",
        cause: "The stub was killed or stopped while the job waited or ran. Its submission was on disk; the spool of an unfinished run is dropped.",
        fix: "No action is needed: the job reaches OUTPUT with a complete spool.")
    public static let zosmfStalePIDFile = MessageDefinition(
        "ZWEL1859W", "z/OSMF stub: {path} names pid {pid}, but no stub runs on {dir}; the file is removed",
        cause: "A stub that was killed (SIGKILL, a crash) could not remove its pid file.",
        fix: "No action is needed.")

    // MARK: bad settings (ZWEL1860-1879)
    public static let zosmfBadPort = MessageDefinition(
        "ZWEL1860E", "z/OSMF stub: '{value}' is not a TCP port (1 to 65535)",
        cause: "The --port value must be a whole number from 1 to 65535.",
        fix: "Give a free port, e.g. --port 10443.")
    public static let zosmfCannotListen = MessageDefinition(
        "ZWEL1861E", "z/OSMF stub cannot listen on {address} port {port}: {reason}",
        cause: "The port is used by another program, or the address is not one of this machine's.",
        fix: "Choose another --port (ss -ltnp shows who holds one), or another --address.")
    public static let zosmfDataDirectoryUnusable = MessageDefinition(
        "ZWEL1862E", "z/OSMF stub cannot use the data directory {dir}: {reason}",
        cause: "The stub keeps its certificate, sessions, jobs and spool in this folder and must be able to create and write files in it.",
        fix: "Give a folder this user can write (--data DIR); it is created when missing.")
    public static let zosmfAlreadyRunning = MessageDefinition(
        "ZWEL1863E", "A z/OSMF stub already runs on {dir} (pid {pid})",
        cause: "One stub at a time owns a data directory, as one z/OSMF owns its spool.",
        fix: "Use that stub, stop it first with 'zwe zosmf-stub stop --data {dir}', or give another --data.")
    public static let zosmfCertificateUnusable = MessageDefinition(
        "ZWEL1864E", "z/OSMF stub cannot use the certificate {path}: {reason}",
        cause: "--cert must name a readable PEM file holding the server certificate first, then any intermediate CA certificates.",
        fix: "Check the path and the file (openssl x509 -in FILE -noout -text).")
    public static let zosmfKeyUnusable = MessageDefinition(
        "ZWEL1865E", "z/OSMF stub cannot use the private key {path}: {reason}",
        cause: "--key must name a readable, unencrypted PEM private key (PKCS#8, PKCS#1 or SEC1) that belongs to the certificate of --cert.",
        fix: "Check the path, remove a passphrase with 'openssl pkey -in KEY -out KEY.plain', or give the key of that certificate.")
    public static let zosmfCertificateWithoutKey = MessageDefinition(
        "ZWEL1866E", "z/OSMF stub: {given} was given without {missing}",
        cause: "A certificate from an external CA is used only with its private key, and a key only with its certificate.",
        fix: "Give both --cert FILE and --key FILE, or neither for the stub's own self-signed certificate.")
    public static let zosmfUsersFileUnreadable = MessageDefinition(
        "ZWEL1867E", "z/OSMF stub cannot read the users file {path}: {reason}",
        cause: "--users names a file that is missing, unreadable or not UTF-8 text.",
        fix: "Check the path and its permissions, or leave --users out for the single user IBMUSER (password SYS1).")
    public static let zosmfUsersFileLine = MessageDefinition(
        "ZWEL1868E", "z/OSMF stub users file: {detail}",
        cause: "Each line of the users file is empty, a # comment, user:password, or user:{SHA256} followed by the 64 hex digits of the password's SHA-256. User ids are 1 to 8 letters, digits, @, # or $, as on z/OS, and appear once.",
        fix: "Correct the line; 'printf %s PASSWORD | sha256sum' gives the hex digits.")
    public static let zosmfUsersFileEmpty = MessageDefinition(
        "ZWEL1869E", "z/OSMF stub users file {path} names no user",
        cause: "Nobody could log on: the file holds only comments and empty lines.",
        fix: "Add a line user:password.")
    public static let zosmfBadAddress = MessageDefinition(
        "ZWEL1870E", "z/OSMF stub: '{value}' is not an IP address to listen on",
        cause: "--address takes an IPv4 or IPv6 address of this machine (default 127.0.0.1).",
        fix: "Give an address such as 127.0.0.1 or ::1.")
    public static let zosmfBadHostname = MessageDefinition(
        "ZWEL1871E", "z/OSMF stub: '{value}' is not a host name",
        cause: "--hostname is the name in the stub's certificate and in the URLs it returns: letters, digits, '-' and '.', or an IP address.",
        fix: "Give a host name such as localhost or zosmf.example.test.")
    public static let zosmfBadDelay = MessageDefinition(
        "ZWEL1872E", "z/OSMF stub: {option} '{value}' is not a number of milliseconds from 0 to 3600000",
        cause: "The JES delays say how long a job stays INPUT and ACTIVE.",
        fix: "Give a whole number, e.g. {option} 100.")
    public static let zosmfDetachFailed = MessageDefinition(
        "ZWEL1873E", "The z/OSMF stub did not start in the background: {reason}",
        cause: "The background process ended, or did not listen, before it said it was ready.",
        fix: "Read {log}, correct what it says, and start the stub again (without --detach to see its output directly).")
    public static let zosmfStopTimedOut = MessageDefinition(
        "ZWEL1874W", "z/OSMF stub (pid {pid}) did not stop within {seconds} s of SIGTERM; it was killed",
        cause: "A stub normally ends at once after SIGTERM. This one hung; SIGKILL ended it. No acknowledged job is lost by that.",
        fix: "If it happens again, look at {log} for what the stub was doing.")
    public static let zosmfStopFailed = MessageDefinition(
        "ZWEL1875E", "Cannot stop the z/OSMF stub on {dir}: {reason}",
        cause: "The pid file or the process could not be used to stop the stub.",
        fix: "Look for the process (ps -ef | grep zosmf-stub) and end it with kill PID.")
    public static let zosmfCertificateNotWritten = MessageDefinition(
        "ZWEL1876E", "z/OSMF stub cannot make its certificate in {dir}: {reason}",
        cause: "The self-signed certificate and its key are written into the data directory on first use.",
        fix: "Check that the data directory is writable, or give --cert and --key.")
    public static let zosmfServerFailed = MessageDefinition(
        "ZWEL1877E", "The z/OSMF stub ended with an error: {reason}",
        cause: "The server failed after it had started listening.",
        fix: "Start it again; if it fails again, report the message with its log.")

    // MARK: the running server and its JES (ZWEL1880-1889)
    public static let zosmfSpoolWriteFailed = MessageDefinition(
        "ZWEL1880E", "z/OSMF stub JES cannot write {path}: {reason}",
        cause: "A job or its spool could not be put on disk; the request was answered with HTTP 500 and nothing was acknowledged.",
        fix: "Free space in the data directory or fix its permissions.")
    public static let zosmfJobUnreadable = MessageDefinition(
        "ZWEL1881W", "z/OSMF stub JES: {path} cannot be read and is moved to {moved}: {reason}",
        cause: "A job folder of the spool is damaged (it was not written by this stub, or was edited by hand).",
        fix: "Look at the moved folder, then remove it.")
    public static let zosmfJobEnded = MessageDefinition(
        "ZWEL1882I", "z/OSMF stub JES: {name}({job}) of {owner} ended: {retcode}",
        cause: "The job reached OUTPUT; its spool files are complete.",
        fix: "No action is needed.")
}

extension MessageCatalog {
    /// The messages of this file, in id order.
    public static let zosmfMessages: [MessageDefinition] = [
        zosmfListening, zosmfCertificateInUse, zosmfUsersLoaded, zosmfJobsRecovered, zosmfStartedInBackground,
        zosmfStopped, zosmfNotRunning, zosmfCertificateReplaced, zosmfJobRequeued, zosmfStalePIDFile,
        zosmfBadPort, zosmfCannotListen, zosmfDataDirectoryUnusable, zosmfAlreadyRunning, zosmfCertificateUnusable,
        zosmfKeyUnusable, zosmfCertificateWithoutKey, zosmfUsersFileUnreadable, zosmfUsersFileLine,
        zosmfUsersFileEmpty, zosmfBadAddress, zosmfBadHostname, zosmfBadDelay, zosmfDetachFailed,
        zosmfStopTimedOut, zosmfStopFailed, zosmfCertificateNotWritten, zosmfServerFailed,
        zosmfSpoolWriteFailed, zosmfJobUnreadable, zosmfJobEnded,
    ]
}
