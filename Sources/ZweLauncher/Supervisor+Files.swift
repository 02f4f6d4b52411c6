import Foundation
import ZwePreflight

/// The files a running launcher keeps for others: the state file (every child's pid and process
/// group, for a later start or stop to end what a killed launcher left), the ports of its
/// instance registry entry, and their removal when the launcher ends.
extension Supervisor {
    func writeStateFile() {
        let children = order.compactMap { managed[$0] }.compactMap { item in
            item.pid.map { StateFile.Child(id: item.id, pid: $0, processGroup: $0, state: item.state.rawValue) }
        }
        StateFile(launcherPid: getpid(), children: children).write(to: files.state)
    }

    func ports() -> [String: Int] {
        var result: [String: Int] = [:]
        for component in plan.components { if let port = component.port { result[component.id] = port } }
        if metricsFD >= 0, let port = plan.metricsPort { result["launcher metrics"] = port }
        return result
    }

    func cleanUpFiles() {
        for fd in [listenFD, signalFD, wakeFD, metricsFD] where fd >= 0 { close(fd) }
        unlink(files.socket)
        unlink(files.pid)
        unlink(files.state)
        unlink(files.lock)
        InstanceRegistry.unregister(instance: plan.instanceDirectory, haInstance: files.haInstance, environment: environment)
    }
}
