# ---
# title: A forgotten task
# topic: Classic mistakes
# notice: The email task is started but nobody keeps it or awaits it. When main returns at 1 s, asyncio.run cancels everything still pending, so the email is never sent. Keep a reference and await it, or use a TaskGroup.
# ---
import asyncio


async def send_email(to):
    await asyncio.sleep(2)
    print(f"email sent to {to}")


async def main():
    asyncio.create_task(send_email("ada@example.com"))
    await asyncio.sleep(1)
    print("main is done")


asyncio.run(main())
