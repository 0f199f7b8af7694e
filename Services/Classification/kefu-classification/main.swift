import KefuClassification
import KefuServiceKit

try await ServiceRunner.main(ClassificationService.definition)
