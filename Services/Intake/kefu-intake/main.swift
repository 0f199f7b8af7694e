import KefuIntake
import KefuServiceKit

try await ServiceRunner.main(IntakeService.definition)
