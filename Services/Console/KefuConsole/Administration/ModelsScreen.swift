import Foundation
import KefuContracts
import NIOHTTP1

/// Classification's model: training examples uploaded as a file, models trained with their
/// held-out accuracy and calibration shown, and any version activated (an older one: rollback).
enum ModelsScreen {
    static let route = ScreenRoute(path: "/admin/models", role: .admin, nav: "models", draw: draw, actions: [
        "examples": ScreenAction(.admin, form: "examples") { form, person in
            let language = person.language
            guard let file = form.files["file"], !file.bytes.isEmpty else { return .invalid(["file": language.say("choose a file", "请选择文件")]) }
            return .send(BackendChange(method: .POST, backend: .classification, path: "/v1/training-examples",
                                       body: .raw(file.bytes, contentType: file.isCSV ? "text/csv" : "application/x-ndjson"),
                                       audit: "training_examples_added", target: file.filename, showsAnswer: true,
                                       done: language.say("Examples from \(file.filename) stored.", "已保存 \(file.filename) 中的样本。")))
        },
        "train": ScreenAction(.admin, form: "train") { _, person in
            .send(BackendChange(method: .POST, backend: .classification, path: "/v1/models", audit: "model_trained", timeout: 900,
                                showsAnswer: true, done: person.language.say("A model was trained.", "模型已训练。")))
        },
        "activate": ScreenAction(.admin, form: "activate") { form, person in
            let version = form.fields["form_key"] ?? ""
            return .send(BackendChange(method: .POST, backend: .classification, path: "/v1/models/\(AdminPaths.segment(version))/activate",
                                       audit: "model_activated", target: version,
                                       done: person.language.say("Version \(version) is active.", "版本 \(version) 已启用。")))
        },
    ])

    static func draw(_ asked: ScreenRequest) async throws -> Screen {
        let language = asked.language
        let answer = await asked.get(.classification, "/v1/models")
        let rows = answer.value?.array.compactMap { model -> Screen.Row? in
            guard let version = model["version"]?.plainText, !version.isEmpty else { return nil }
            let active = model["active"]?.bool == true
            return Screen.Row(key: version, cells: [
                Screen.Cell(version), Screen.Cell(model["examples"]?.plainText ?? ""),
                Screen.Cell(model["labels"].map { $0.array.isEmpty ? $0.plainText : String($0.array.count) } ?? ""),
                Screen.Cell(percent(model["accuracy"]?.number)), Screen.Cell(percent(model["calibration_error"]?.number)),
                Screen.Cell(model["trained_by"]?.string ?? ""),
                Screen.Cell(active ? language.say("active", "启用中") : "", tone: active ? "ok" : nil),
            ], actions: active ? [] : [Screen.Form(id: "activate-\(version)", action: "/admin/models/activate",
                                                   submit: language.say("Activate", "启用"), fields: [.hidden("form_key", version)],
                                                   inline: true)])
        } ?? []
        var upload = Screen.Section(id: "examples-section", heading: language.say("Training examples", "训练样本"),
                                    text: language.say("A CSV file with a text,label header, or JSON lines of {\"text\", \"label\"}; a label the taxonomy lacks becomes a category.",
                                                       "带 text,label 表头的 CSV，或每行一个 {\"text\", \"label\"} 的 JSON；分类体系中没有的标签会新增为类别。"),
                                    forms: [Screen.Form(id: "examples", action: "/admin/models/examples", submit: language.say("Upload", "上传"),
                                                        fields: [Screen.Field("file", language.say("File", "文件"), .file, required: true)],
                                                        multipart: true)])
        var train = Screen.Section(id: "train-section", heading: language.say("Train", "训练"),
                                   text: language.say("Trains on every stored example, a tenth held back to measure accuracy and calibration.",
                                                      "使用全部样本训练，留出十分之一衡量准确率与校准。"),
                                   forms: [Screen.Form(id: "train", action: "/admin/models/train", submit: language.say("Train a model", "训练模型"))])
        if let result = asked.state.answer {
            if asked.state.formID == "examples" {
                upload.lines = [language.say("Added: ", "新增：") + (result["added"]?.plainText ?? "0"),
                                language.say("New categories: ", "新类别：") + (result["new_categories"]?.array.compactMap(\.string).joined(separator: ", ") ?? "")]
            } else if asked.state.formID == "train" {
                train.lines = [language.say("Version ", "版本 ") + (result["version"]?.plainText ?? "?"),
                               language.say("Held-out accuracy: ", "留出集准确率：") + percent(result["accuracy"]?.number),
                               language.say("Calibration error: ", "校准误差：") + percent(result["calibration_error"]?.number),
                               result["active"]?.bool == true ? language.say("Now active.", "已启用。")
                                   : language.say("Not active: it did not beat the active one.", "未启用：未超过当前模型。")]
            }
        }
        return Screen(heading: language.say("Classification model", "分类模型"), sections: [
            upload, train,
            Screen.Section(id: "models", heading: language.say("Versions", "版本"),
                           table: Screen.Table(id: "model-table", columns: [
                               language.say("Version", "版本"), language.say("Examples", "样本数"), language.say("Labels", "标签数"),
                               language.say("Accuracy", "准确率"), language.say("Calibration error", "校准误差"), language.say("By", "训练人"), "", "",
                           ], rows: rows, empty: language.say("No model yet.", "尚无模型。")),
                           unavailable: QueueRoutes.unavailable(answer)),
        ])
    }

    private static func percent(_ value: Double?) -> String {
        value.map { String(format: "%.1f %%", $0 * 100) } ?? "–"
    }
}
