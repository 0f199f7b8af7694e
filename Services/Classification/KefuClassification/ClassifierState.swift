import Synchronization

/// What this process classifies with: the active learned model and the policy (rules, taxonomy,
/// settings). Both are swapped without a restart by `ClassifierRefresher`.
public final class ClassifierState: Sendable {
    public struct ActiveModel: Sendable {
        public let version: Int
        public let model: TextModel

        public init(version: Int, model: TextModel) {
            self.version = version
            self.model = model
        }
    }

    private let model = Mutex<ActiveModel?>(nil)
    /// The active version, when it could not be read: not tried again until another is activated.
    let unloadableVersion = Mutex<Int?>(nil)
    private let policy = Mutex<Policy>(.defaults)

    public init() {}

    public var currentModel: ActiveModel? { model.withLock { $0 } }
    public var currentPolicy: Policy { policy.withLock { $0 } }

    /// A decider over the model and policy in force right now.
    public var decider: Decider { Decider(policy: currentPolicy, model: currentModel) }

    func replace(model newModel: ActiveModel?) { model.withLock { $0 = newModel } }
    func replace(policy newPolicy: Policy) { policy.withLock { $0 = newPolicy } }
}
