import Foundation
import PackagePlugin

/// Builds a service's library with its OpenAPI document and the shared AsyncAPI document in it,
/// so that a binary serves the contracts it was built from (docs/http-api.md). The documents
/// stay in docs/, where people read and review them; the build copies them, nobody else does.
@main
struct EmbedAPIDocuments: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: any Target) throws -> [Command] {
        // The library targets are Kefu<Name>; their document is docs/openapi/<name>.yaml.
        let service = target.name.dropFirst("Kefu".count).lowercased()
        let docs = context.package.directoryURL.appending(path: "docs")
        let openAPI = docs.appending(path: "openapi/\(service).yaml")
        let asyncAPI = docs.appending(path: "asyncapi.yaml")
        let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedDocuments.swift")
        return [
            .buildCommand(
                displayName: "Embedding the API documents of \(service)",
                executable: try context.tool(named: "kefu-embed-documents").url,
                arguments: [output.path, openAPI.path, asyncAPI.path],
                inputFiles: [openAPI, asyncAPI],
                outputFiles: [output]),
        ]
    }
}
