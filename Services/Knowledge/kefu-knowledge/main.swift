import KefuKnowledge
import KefuServiceKit

await ServiceRunner.main(try KnowledgeService.definition())
