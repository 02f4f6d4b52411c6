import Foundation
import ZweMessages

/// Gives the files of a keystore directory to ZOWE_USER_ID / ZOWE_GROUP_ID where the system
/// allows it: chown as root, else chgrp to a group the user belongs to, else a warning.
public struct Ownership: Sendable {
    public let user: String
    public let group: String

    public init(user: String, group: String) {
        self.user = user
        self.group = group
    }

    func apply(to paths: [String]) -> [Diagnostic] {
        let uid = Self.userID(user)
        let gid = Self.groupID(group)
        let me = Self.userName(geteuid()) ?? "uid \(geteuid())"
        if geteuid() == 0, let uid {
            for path in paths { lchown(path, uid, gid ?? gid_t.max) }
            return []
        }
        if uid == geteuid(), gid == nil || Self.isMember(of: gid!) {
            if let gid { for path in paths { lchown(path, uid_t.max, gid) } }
            return []
        }
        if let gid, Self.isMember(of: gid) {
            for path in paths { lchown(path, uid_t.max, gid) }
            return [Diagnostic(MessageCatalog.ownershipNotChanged, ["owner": me, "reason": "only root can give files to \(user); the group is \(group)"])]
        }
        let reason: String
        if uid == nil {
            reason = "user \(user) does not exist on this system"
        } else if gid == nil {
            reason = "group \(group) does not exist on this system"
        } else {
            reason = "only root can give files to \(user), and \(me) is not a member of \(group)"
        }
        return [Diagnostic(MessageCatalog.ownershipNotChanged, ["owner": me, "reason": reason])]
    }

    static func userID(_ name: String) -> uid_t? {
        guard !name.isEmpty, let entry = getpwnam(name) else { return nil }
        return entry.pointee.pw_uid
    }

    static func groupID(_ name: String) -> gid_t? {
        guard !name.isEmpty, let entry = getgrnam(name) else { return nil }
        return entry.pointee.gr_gid
    }

    static func userName(_ uid: uid_t) -> String? {
        guard let entry = getpwuid(uid) else { return nil }
        return String(cString: entry.pointee.pw_name)
    }

    static func isMember(of gid: gid_t) -> Bool {
        if getegid() == gid { return true }
        let count = getgroups(0, nil)
        guard count > 0 else { return false }
        var groups = [gid_t](repeating: 0, count: Int(count))
        let got = getgroups(count, &groups)
        return groups.prefix(Int(max(got, 0))).contains(gid)
    }
}
