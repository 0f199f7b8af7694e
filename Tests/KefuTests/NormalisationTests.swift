import KefuContracts
import KefuIntake
import Testing

@Suite("Contact normalisation")
struct ContactNormalizerTests {
    @Test("Chinese mobile numbers in their written forms become one E.164 number",
          arguments: ["138 0000 0000", "+86-138-0000-0000", "0086 13800000000", "8613800000000", "13800000000"])
    func chineseMobile(_ written: String) {
        #expect(ContactNormalizer.phone(written) == "+8613800000000")
    }

    @Test("landlines drop the trunk zero")
    func landline() {
        #expect(ContactNormalizer.phone("010-1234 5678") == "+861012345678")
    }

    @Test("emails are matched case-insensitively")
    func email() {
        #expect(ContactNormalizer.email(" ZW@Example.COM ") == "zw@example.com")
    }
}
