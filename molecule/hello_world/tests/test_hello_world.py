"""What the hello_world role leaves on a host it ran on."""


def test_the_templated_file_holds_the_f_string_value(host):
    hello = host.file("/tmp/hello_file")
    assert hello.is_file and hello.mode == 0o644
    assert hello.content_string == "hello from f-string subsitution in a file\n"


def test_the_python_steps_can_run(host):
    assert host.run("python3 -c 'print(1)'").stdout == "1\n"
