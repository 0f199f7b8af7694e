import KefuNotification
import KefuServiceKit

try await ServiceRunner.main(NotificationService.definition())
