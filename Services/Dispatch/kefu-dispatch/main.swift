import KefuDispatch
import KefuServiceKit

await ServiceRunner.main(DispatchService.definition)
