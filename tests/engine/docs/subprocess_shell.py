# Source: https://docs.python.org/3.14/library/asyncio-subprocess.html
# CPython prints "['ls /zzz' exited with 1]" and ls's error (the docs'). There are no other
# processes in the playground: starting one raises NotImplementedError, saying so.
# Expected error: NotImplementedError: subprocesses are not available in the playground
# Expected duration: 0
import asyncio

async def run(cmd):
    proc = await asyncio.create_subprocess_shell(
        cmd,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE)

    stdout, stderr = await proc.communicate()

    print(f'[{cmd!r} exited with {proc.returncode}]')
    if stdout:
        print(f'[stdout]\n{stdout.decode()}')
    if stderr:
        print(f'[stderr]\n{stderr.decode()}')

asyncio.run(run('ls /zzz'))
