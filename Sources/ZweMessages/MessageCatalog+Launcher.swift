// Messages of the launcher: the Zowe launcher's own ids where the event is the same
// (ZWEL0001I-ZWEL0063W, texts as Zowe prints them), and this launcher's (ZWEL1600-1699).

extension MessageCatalog {
    public static let componentStarted = MessageDefinition(
        "ZWEL0001I", "component {id} started",
        cause: "The launcher spawned the component's start script ({job}, pid {pid}); it is not READY until its health check passes.",
        fix: "No action needed.")
    public static let componentStopped = MessageDefinition(
        "ZWEL0002I", "component {id} stopped",
        cause: "The component ended after an operator stop or the instance stop.",
        fix: "No action needed.")
    public static let componentTerminated = MessageDefinition(
        "ZWEL0004I", "component {id}({pid}) terminated, status = {status}",
        cause: "The component's process ended without being asked to; the launcher treats every such exit, status 0 included, as a crash.",
        fix: "Read logs/{id}.log for the reason; the launcher restarts it by its restart policy.")
    public static let componentRestartScheduled = MessageDefinition(
        "ZWEL0005I", "next attempt to restart component {id} in {seconds} seconds",
        cause: "The component crashed and its restart policy allows another attempt after this delay.",
        fix: "No action needed.")
    public static let componentsStarting = MessageDefinition(
        "ZWEL0006I", "starting components",
        cause: "The launcher is starting the instance's components in dependency order.",
        fix: "No action needed.")
    public static let componentsStartedAll = MessageDefinition(
        "ZWEL0007I", "components started",
        cause: "Every component of the instance is READY.",
        fix: "No action needed.")
    public static let componentsStopping = MessageDefinition(
        "ZWEL0008I", "stopping components",
        cause: "The instance is stopping: components get SIGTERM in reverse dependency order.",
        fix: "No action needed.")
    public static let componentsStoppedAll = MessageDefinition(
        "ZWEL0009I", "components stopped",
        cause: "No process of the instance is left.",
        fix: "No action needed.")
    public static let commandReceived = MessageDefinition(
        "ZWEL0013I", "command '{command}' received",
        cause: "An operator command arrived on the control socket.",
        fix: "No action needed.")
    public static let launcherStopping = MessageDefinition(
        "ZWEL0019I", "Zowe Launcher stopping",
        cause: "The launcher was asked to stop (zwe stop, or SIGTERM/SIGINT).",
        fix: "No action needed.")
    public static let launcherStarting = MessageDefinition(
        "ZWEL0021I", "Zowe Launcher starting",
        cause: "The launcher of the instance started.",
        fix: "No action needed.")
    public static let launcherStopped = MessageDefinition(
        "ZWEL0022I", "Zowe Launcher stopped",
        cause: "The launcher ended after stopping every component.",
        fix: "No action needed.")
    public static let haInstance = MessageDefinition(
        "ZWEL0024I", "HA_INSTANCE_ID is '{id}'",
        cause: "The name of this host's copy of the instance.",
        fix: "No action needed; --ha-instance chooses another.")
    public static let maxRetriesReached = MessageDefinition(
        "ZWEL0038E", "failed to restart component {id}, max retries reached",
        cause: "The component kept terminating and every interval of its restart policy has been used, so it stays down (state FAILED).",
        fix: "Read logs/{id}.log, correct the cause, then start it with 'zwe start -c DIR --component {id}'.")
    public static let componentAlreadyRunning = MessageDefinition(
        "ZWEL0039E", "cannot start component {id} - already running",
        cause: "An operator start was asked for a component that is running.",
        fix: "No action needed; use 'zwe restart -c DIR --component {id}' to restart it.")
    public static let componentStartFailed = MessageDefinition(
        "ZWEL0040E", "failed to start component {id}",
        cause: "The launcher could not run the component's start script: {reason}.",
        fix: "Check the start script and its permissions ('zwe validate -c DIR' reports both).")
    public static let commandNotRecognized = MessageDefinition(
        "ZWEL0042E", "command not recognized",
        cause: "The control socket received a request that is not status, start, stop, restart or stop-all, or names an unknown component.",
        fix: "Use 'zwe status', 'zwe start|stop|restart -c DIR --component ID' or 'zwe stop -c DIR'.")
    public static let componentKilled = MessageDefinition(
        "ZWEL0063W", "component {id}({pid}) did not stop in {seconds} seconds and was killed",
        cause: "The component ignored SIGTERM (or took too long to finish) and got SIGKILL when its shutdown timeout ended.",
        fix: "Check why {id} does not stop on SIGTERM, or raise shutdownTimeout in its manifest's launcher block.")

    public static let componentReady = MessageDefinition(
        "ZWEL1600I", "component {id} is READY ({milliseconds} ms after start)",
        cause: "The component's health check answered over HTTPS with the instance truststore.",
        fix: "No action needed.")
    public static let componentNotReady = MessageDefinition(
        "ZWEL1601E", "component {id} is not READY after {seconds} seconds: {reason}",
        cause: "Its health check did not pass within the ready timeout; the component keeps running and keeps being checked.",
        fix: "Read logs/{id}.log; check the port and certificate settings ('zwe validate -c DIR'); raise readyTimeout if it only needs longer.")
    public static let instanceAlreadyRunning = MessageDefinition(
        "ZWEL1602E", "Instance {dir} is already running, pid {pid}",
        cause: "Another zwe start or a running launcher holds the instance lock {lock}.",
        fix: "Use 'zwe status -c {dir}'; stop it first with 'zwe stop -c {dir}' to start it again.")
    public static let instanceNotRunning = MessageDefinition(
        "ZWEL1603I", "Instance {dir} is not running",
        cause: "No launcher of this instance is running.",
        fix: "Start it with 'zwe start -c {dir}'.")
    public static let leftoverKilled = MessageDefinition(
        "ZWEL1604W", "Ended {count} leftover processes of an earlier run of {dir}: {details}",
        cause: "An earlier launcher ended without stopping its components (it was killed); its state file named processes that were still there.",
        fix: "No action needed.")
    public static let launcherStartFailed = MessageDefinition(
        "ZWEL1605E", "The launcher of {dir} did not come up: {reason}",
        cause: "The detached launcher process ended or did not open its control socket in time.",
        fix: "Read {dir}/logs/launcher.log and {dir}/workspace/launcher.err.")
    public static let configureStepFailed = MessageDefinition(
        "ZWEL1606E", "The configure step of {id} failed ({status}): {output}",
        cause: "Each component's commands.configure runs before start; this one reported a problem, so nothing was started.",
        fix: "Read the message above, correct the setting it names, and start again.")
    public static let componentSpawnedAs = MessageDefinition(
        "ZWEL1607I", "component {id} runs as {user}",
        cause: "The launcher runs as root and instance.env sets ZOWE_USER_ID, so components run as that user.",
        fix: "No action needed.")
    public static let portOfOtherInstance = MessageDefinition(
        "ZWEL1608E", "Port {port} of {id} ({variable}) is used by component {job} of the running instance {other} (launcher pid {pid})",
        cause: "Another instance on this host already serves on this port.",
        fix: "Give {variable} another value in instance.env, or stop the other instance.")
    public static let componentStartRequested = MessageDefinition(
        "ZWEL1609I", "operator start of component {id}",
        cause: "An operator asked for the component to start; its restart count was reset.",
        fix: "No action needed.")
    public static let operatorStop = MessageDefinition(
        "ZWEL1610I", "operator stop of component {id}",
        cause: "An operator asked for the component to stop; it will not be restarted until started again.",
        fix: "No action needed.")
    public static let instanceStopped = MessageDefinition(
        "ZWEL1611I", "Instance {dir} stopped in {milliseconds} ms",
        cause: "Every process of the instance is gone; pid file, lock and socket are removed.",
        fix: "No action needed.")
    public static let configurationReread = MessageDefinition(
        "ZWEL1612W", "Restarting {id} with its previous environment: the configuration cannot be read now",
        cause: "A restart re-reads instance.env and zowe-certificates.env; they have an error at the moment.",
        fix: "Correct the configuration ('zwe validate -c DIR' shows it); the next restart picks it up.")
    public static let componentUnknown = MessageDefinition(
        "ZWEL1613E", "Component {id} is not part of instance {dir}",
        cause: "The operator command names a component that this instance does not launch.",
        fix: "Use 'zwe status -c {dir}' to list its components.")
    public static let controlRefused = MessageDefinition(
        "ZWEL1614W", "refused a control connection from uid {uid}",
        cause: "Only the user that runs the launcher (or root) may use the control socket.",
        fix: "Run the command as the instance's user.")
    public static let controlNotPermitted = MessageDefinition(
        "ZWEL1615E", "Instance {dir} cannot be controlled by uid {uid}: {reason}",
        cause: "Only the user that runs the launcher, or root, may use its control socket ({socket}) or signal its processes.",
        fix: "Run the command as the user that started the instance (the owner of {socket}), or as root.")
    public static let livenessCheckFailed = MessageDefinition(
        "ZWEL1616W", "liveness check of component {id} failed ({count} of {threshold} in a row): {reason}",
        cause: "The READY component did not answer its health check in time, or not with 2xx; it stays READY until ZWE_LIVENESS_FAILURE_THRESHOLD checks in a row have failed.",
        fix: "Read logs/{id}.log for why it does not answer; no action is needed if the next check passes.")
    public static let componentUnhealthy = MessageDefinition(
        "ZWEL1617E", "component {id} is UNHEALTHY after {count} failed liveness checks in a row (every {period} s, {timeout} s each; last: {reason}), restarting it",
        cause: "The component still runs but stopped answering its health check; the launcher stops it (SIGTERM, then SIGKILL after its shutdown timeout) and restarts it by its restart policy, as after a crash.",
        fix: "Read logs/{id}.log for why it hung. If it is only slow under load, raise ZWE_LIVENESS_TIMEOUT or ZWE_LIVENESS_FAILURE_THRESHOLD in instance.env.")
    public static let livenessRecovered = MessageDefinition(
        "ZWEL1618I", "liveness check of component {id} passes again",
        cause: "A health check of the READY component passed after one or more had failed; the count of failures starts again from zero.",
        fix: "No action needed.")

    static let launcherMessages: [MessageDefinition] = [
        componentStarted, componentStopped, componentTerminated, componentRestartScheduled,
        componentsStarting, componentsStartedAll, componentsStopping, componentsStoppedAll,
        commandReceived, launcherStopping, launcherStarting, launcherStopped, haInstance,
        maxRetriesReached, componentAlreadyRunning, componentStartFailed, commandNotRecognized,
        componentKilled, componentReady, componentNotReady, instanceAlreadyRunning,
        instanceNotRunning, leftoverKilled, launcherStartFailed, configureStepFailed,
        componentSpawnedAs, portOfOtherInstance, componentStartRequested, operatorStop,
        instanceStopped, configurationReread, componentUnknown, controlRefused, controlNotPermitted,
        livenessCheckFailed, componentUnhealthy, livenessRecovered,
    ]
}
