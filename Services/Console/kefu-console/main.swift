import KefuConsole
import KefuServiceKit

await ServiceRunner.main(try ConsoleService.definition())
