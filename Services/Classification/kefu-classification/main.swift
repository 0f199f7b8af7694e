import KefuClassification
import KefuServiceKit

await ServiceRunner.main(ClassificationService.definition)
