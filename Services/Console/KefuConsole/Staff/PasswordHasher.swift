import Dispatch
import HummingbirdBcrypt

/// bcrypt, off the cooperative pool: a hash at cost 12 takes a quarter of a second of CPU, and
/// the pool has two threads here.
struct PasswordHasher: Sendable {
    let cost: UInt8
    /// A hash to check against when the account does not exist, at the same cost as real ones,
    /// so that an unknown username takes as long to refuse as a wrong password.
    let decoy: String

    init(cost: UInt8) {
        self.cost = cost
        decoy = Bcrypt.hash("decoy password that matches nothing", cost: cost)
    }

    func hash(_ password: String) async -> String {
        await offPool { Bcrypt.hash(password, cost: cost) }
    }

    func verify(_ password: String, against hash: String) async -> Bool {
        await offPool { Bcrypt.verify(password, hash: hash) }
    }


    private func offPool<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: work()) }
        }
    }
}
