"""Imported by the hello world's Python steps from beside their scripts, as in the seed."""
import sys


def hello_python_from_env():
    import os
    sys.stdout.write(os.environ["HELLO_MSG"] + "\n")


def hello_python_from_arg(message):
    sys.stdout.write(message + "\n")
