import KefuServiceKit
import KefuSurvey

try await ServiceRunner.main(SurveyService.definition())
