import KefuDispatch
import KefuServiceKit

try await ServiceRunner.main(DispatchService.definition)
