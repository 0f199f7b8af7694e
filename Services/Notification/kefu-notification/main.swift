import KefuNotification
import KefuServiceKit

await ServiceRunner.main(try NotificationService.definition())
