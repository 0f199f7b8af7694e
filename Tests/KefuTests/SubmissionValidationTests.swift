import Foundation
import KefuContracts
import Testing

@Suite("Ingress contract v1 validation")
struct SubmissionValidationTests {
    static let example = """
        {
          "submission_id": "pbx-20261123-0001",
          "channel": "phone",
          "received_at": "2026-11-23T08:00:00Z",
          "customer": {"name": "张伟", "phone": "+8613800000000", "email": "zw@example.com", "external_id": "C-1001", "tier": "vip"},
          "subject": "泵车臂架无法展开",
          "body": "客户来电：泵车臂架无法展开，工地急用。",
          "language": "zh-CN",
          "product": {"model": "SYM5", "serial": "ZL-88123", "delivered_on": "2026-05-02"},
          "attachments": [{"filename": "photo.jpg", "content_type": "image/jpeg", "size": 20480, "url": "https://files.example.com/a/1"}],
          "metadata": {"caller_id": "+8613800000000", "ivr_path": "2-1"}
        }
        """

    func errors(_ json: String, channel: String? = nil) -> [FieldError] {
        switch Submission.validate(json: Array(json.utf8), expectedChannel: channel) {
        case .success: []
        case .failure(let error): error.errors
        }
    }

    @Test("the contract's example is valid and decodes every field")
    func designExample() throws {
        let submission = try Submission.validate(json: Array(Self.example.utf8), expectedChannel: "phone").get()
        #expect(submission.submissionID == "pbx-20261123-0001")
        #expect(submission.channel == .phone)
        #expect(submission.customer.tier == .vip)
        #expect(submission.customer.externalID == "C-1001")
        #expect(submission.product?.deliveredOn == "2026-05-02")
        #expect(submission.attachments?.first?.size == 20480)
        #expect(submission.metadata?["ivr_path"] == .string("2-1"))
        #expect(submission.receivedAt == Date(timeIntervalSince1970: 1_795_420_800))
    }

    @Test("every broken rule is reported at once, by JSON pointer")
    func allErrorsAtOnce() {
        let found = errors(#"{"channel": "fax", "customer": {"tier": "gold", "email": "nope"}, "body": " ", "x": 1}"#)
        #expect(found.map(\.field) == ["/x", "/submission_id", "/channel", "/customer/email", "/customer/tier", "/body"])
    }

    @Test("a customer needs a phone, an email or an external id")
    func customerContact() {
        #expect(errors(#"{"submission_id": "a", "channel": "web", "body": "b", "customer": {"name": "x"}}"#)
            .map(\.field) == ["/customer"])
        #expect(errors(#"{"submission_id": "a", "channel": "web", "body": "b"}"#).map(\.field) == ["/customer"])
    }

    @Test("wrong types are named, not echoed")
    func wrongTypes() {
        let found = errors(#"{"submission_id": 7, "channel": "web", "body": "b", "customer": {"phone": "13800000000"}, "attachments": {}}"#)
        #expect(found == [FieldError(field: "/submission_id", message: "must be a string, not number"),
                          FieldError(field: "/attachments", message: "must be an array, not object")])
    }

    @Test("the channel must match the routing key")
    func channelMatchesRoutingKey() {
        let json = #"{"submission_id": "a", "channel": "web", "body": "b", "customer": {"email": "a@b.cn"}}"#
        #expect(errors(json, channel: "web").isEmpty)
        #expect(errors(json, channel: "phone").map(\.field) == ["/channel"])
    }

    @Test("the body is limited to 64 KiB")
    func bodyLimit() {
        let body = String(repeating: "字", count: 22_000)  // 66,000 bytes in UTF-8
        let json = #"{"submission_id": "a", "channel": "web", "customer": {"email": "a@b.cn"}, "body": "\#(body)"}"#
        #expect(errors(json) == [FieldError(field: "/body", message: "is longer than 65536 bytes")])
    }

    @Test("not JSON, or not an object, is a clear error")
    func notAnObject() {
        #expect(errors("hello") == [FieldError(field: "", message: "is not valid JSON")])
        #expect(errors("[1]") == [FieldError(field: "", message: "must be a JSON object, not array")])
    }

    @Test("dates and times must be real ones")
    func dates() {
        let json = #"{"submission_id": "a", "channel": "web", "body": "b", "customer": {"email": "a@b.cn"}, "received_at": "yesterday", "product": {"delivered_on": "2026-13-01"}}"#
        #expect(errors(json).map(\.field) == ["/received_at", "/product/delivered_on"])
    }
}
