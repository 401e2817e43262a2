# Source: https://docs.python.org/3.14/howto/a-conceptual-overview-of-asyncio.html#the-inner-workings-of-coroutines
# Expected output (the docs'):
#   Beginning coroutine main().
#   Awaiting rock...
#   Coroutine paused and returned intermediate value: 7.
#   Resuming coroutine and sending in value: 42.
#   Rock.__await__ resuming with value: 42.
#   Coroutine received value: 42 from rock.
#   Coroutine main() finished and provided value: 23.
# Expected duration: 0
class Rock:
    def __await__(self):
        value_sent_in = yield 7
        print(f"Rock.__await__ resuming with value: {value_sent_in}.")
        return value_sent_in

async def main():
    print("Beginning coroutine main().")
    rock = Rock()
    print("Awaiting rock...")
    value_from_rock = await rock
    print(f"Coroutine received value: {value_from_rock} from rock.")
    return 23

coroutine = main()
intermediate_result = coroutine.send(None)
print(f"Coroutine paused and returned intermediate value: {intermediate_result}.")

print(f"Resuming coroutine and sending in value: 42.")
try:
    coroutine.send(42)
except StopIteration as e:
    returned_value = e.value
print(f"Coroutine main() finished and provided value: {returned_value}.")
