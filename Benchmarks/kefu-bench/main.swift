import KefuServiceKit
print("todo")
