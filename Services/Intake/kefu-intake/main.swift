import KefuIntake
import KefuServiceKit

await ServiceRunner.main(try IntakeService.definition())
