public import Hummingbird
import HTTPTypes

/// The contracts a service serves to integrators: its own OpenAPI document and the AsyncAPI
/// document of the messages every service shares. Each service library gets an `embedded` value
/// from docs/ at build time (Plugins/EmbedAPIDocuments), so what a running binary serves is what
/// it was built from.
public struct APIDocuments: Sendable {
    public var openAPI: String
    public var asyncAPI: String

    public init(openAPI: String, asyncAPI: String) {
        self.openAPI = openAPI
        self.asyncAPI = asyncAPI
    }

    /// Open without a token: integrators read them before they have one.
    static let paths: Set<String> = ["/openapi.yaml", "/asyncapi.yaml"]

    func addRoutes(to router: Router<some RequestContext>) {
        let openAPI = ByteBuffer(string: openAPI)
        let asyncAPI = ByteBuffer(string: asyncAPI)
        router.get("/openapi.yaml") { _, _ in Self.yaml(openAPI) }
        router.get("/asyncapi.yaml") { _, _ in Self.yaml(asyncAPI) }
    }

    /// `application/yaml` is the media type RFC 9512 registers.
    private static func yaml(_ document: ByteBuffer) -> Response {
        Response(status: .ok, headers: [.contentType: "application/yaml; charset=utf-8"], body: .init(byteBuffer: document))
    }
}
