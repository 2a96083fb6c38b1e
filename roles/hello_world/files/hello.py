#!/usr/bin/env python3
"""The seed's three ways for a Python step to get a message: environment, argument, explicit environment."""
import os
import sys


def hello_python_from_env():
    sys.stdout.write(os.environ["HELLO_MSG"] + "\n")


def hello_python_from_arg(message):
    sys.stdout.write(message + "\n")


if __name__ == "__main__":
    if sys.argv[1] == "--from-env":
        hello_python_from_env()
    elif sys.argv[1] == "--from-arg":
        hello_python_from_arg(sys.argv[2])
    else:
        hello_python_from_arg(os.environ.get("HELLO_MSG"))
