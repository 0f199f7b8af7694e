import KefuServiceKit
import KefuSurvey

await ServiceRunner.main(try SurveyService.definition())
