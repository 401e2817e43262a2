# ---
# title: Queue: producer and consumer
# topic: Coordinating tasks
# notice: The producer makes an item every second and puts it in the queue; the consumer takes each one and needs 2 s to use it, so items pile up in the queue. None tells the consumer to stop. Used last at 7 s.
# ---
import asyncio


async def producer(queue):
    for item in range(1, 4):
        await asyncio.sleep(1)
        await queue.put(item)
        print(f"made {item}")
    await queue.put(None)


async def consumer(queue):
    while (item := await queue.get()) is not None:
        await asyncio.sleep(2)
        print(f"used {item}")


async def main():
    queue = asyncio.Queue()
    await asyncio.gather(producer(queue), consumer(queue))


asyncio.run(main())
