"""The seed's three trees and seven stalk files, in its layout and with its shapes, written here with stand-in steps.

Shapes: DOCKER_OPTS with network, tty, detach, remove, entrypoint; a plugin's skip; daemonize; rw directories that
do not exist yet (in the project, beside it, absolute); file plugins by path; SYSROOT_DIR with symlinked directories
and files; roots without DOCKER_INIT_IMG, which start from {OS}/{ARCH}/{SUBARCH}/<root stalk>:initial; pretend and
skip_until. Every tree grows in check mode; the hello_world and toolchain ones grow for real, where the seed would
emerge a stand-in script echoes.
"""

import json
import os
import time

import pytest

from conftest import BIN, run
from scratch import created_containers, grow, tags, write
from seed_output import SEED_LINES, step_lines

ARCH, SUBARCH = "x86-64bit", "amd64-k10"
DOCKER_OPTS = """
DOCKER_OPTS:
{
    tty:true,
    init:true,
    remove:false,
    entrypoint:"/bin/bash",
    detach:true,%s
}
"""
# The seed's lib/bash/kantoo.sh and lib/python/kantoo, as stand-ins: they say what the real ones would do.
KANTOO_SH = """
standin() { echo "stand-in: $*"; }
install_distcc() {
    standin emerge sys-devel/distcc for $CHOST
    echo "$DISTCCD_HOSTS" > /portage/packages/distcc-hosts
    test -f /gcc-from-an-earlier-run && echo "gcc from the skipped step's image"
}
patch_eit() { standin patch eit; }
export_fs() { standin tar the root file system; }
"""
HELLO_PY = """
import os


def hello_python_from_env():
    print(os.environ['HELLO_MSG'])


def hello_python_from_arg(message):
    print(message)
"""
PORTAGE_PY = """
import os


def remove_packages():
    print('stand-in: emerge --unmerge', os.environ['RM_PORT_PKGS'].split())


def emerge_local_binaries():
    print('stand-in: emerge --buildpkg', os.environ['IN_PORT_PKGS'].split())


def export_profiles():
    print('stand-in: export to', os.environ['STAGE4_TAR_PATH'])
"""
ENTROPY_PY = """
def unmask_packages():
    print('stand-in: unmask')


def equo_install():
    print('stand-in: equo install')
"""


def sh_plugin(name, body, extra=""):
    """An exec plugin with a sh script, the seed's way: its text starts with the shebang."""
    lines = "\n".join("        " + line for line in body.strip().splitlines())
    return """
    %s:
    {%s
        text:
        '''
        #!/usr/bin/env sh
%s
        '''
        exec:true
    },
""" % (name, extra, lines)


def py_plugin(name, module, call, extra=""):
    return """
    %s:
    {%s
        text:
        '''
        #!/usr/bin/env python3
        from kantoo.%s import *
        %s
        '''
        exec:true
    },
""" % (name, extra, module, call)


FINAL = sh_plugin("final", 'echo "Finalizing a stalk."')


def stalk_file(project, name, body, head=""):
    return write(project / "stalks" / name / (name + ".hjson"), head + "\nplugins:\n{\n" + body + "\n}\n")


def tree_file(project, name, os_name, stalks, paths="", common=""):
    return write(project / "trees" / name / (name + ".hjson"), """
architecture:
{
    OS:             %s
    ARCH:           %s
    SUBARCH:        %s
    DIST:           https://build.example.org/1.3-release-std
    STAGE3_ARCHIVE: stage3-latest.tar.xz
    ENTROPY_ARCH:   amd64
}

#relative to the directory the tree is run from
paths:
{
    SYSROOT_DIR:        lib/sysroot
    LOG_DIR:            logs
    TMPFS:              tmpfs%s
}
%s
stalks:
{%s
}
""" % (os_name, ARCH, SUBARCH, paths, common, stalks))


@pytest.fixture
def project(tmp_path):
    """The seed's layout: lib/ with the stand-ins, lib/sysroot with symlinked directories and files, and the
    seven stalk files."""
    project = tmp_path / "project"
    write(project / "lib/bash/kantoo.sh", KANTOO_SH)
    write(project / "lib/python/kantoo/__init__.py", "")
    write(project / "lib/python/kantoo/hello.py", HELLO_PY)
    write(project / "lib/python/kantoo/portage.py", PORTAGE_PY)
    write(project / "lib/python/kantoo/entropy.py", ENTROPY_PY)
    write(project / "lib/sysroot/etc/entropy/client.conf", "# from the sysroot\n")
    write(project / "gitrepo/HEAD", "ref: refs/heads/main\n")
    plugins = project / "lib/sysroot/entropy/plugins"
    plugins.mkdir(parents=True)
    os.symlink("../../../../lib/python/kantoo", plugins / "kantoo")  # a symlinked directory
    os.symlink("../../../../lib/bash/kantoo.sh", plugins / "kantoo.sh")
    (project / "lib/sysroot/var").mkdir()
    os.symlink("../../../gitrepo", project / "lib/sysroot/var/git")  # the seed's /var/git link, kept in the project

    stalk_file(project, "hello_world", sh_plugin("hello_from_sh", """
echo "${DOC_TXT}"

echo These are bash variables
echo TREE_CONFIG_VAR is set to ${TREE_CONFIG_VAR}
echo STALK_CONFIG_VAR is set to ${STALK_CONFIG_VAR}
echo
echo Python f-string subsitution is done on file plugins
echo e.g. {F_STRING_VAR} in /tmp/hello_file is set to
cat /tmp/hello_file""", """
        DOC_TXT:
        '''
        * shell and f-string variables that are used in shell scripts used to modify this image must be declared here
        * if they are set to the empty string, they are set by the tree config that this stalk is contained in

        '''
        TREE_CONFIG_VAR:''
        STALK_CONFIG_VAR: hello from dockerdriver config""") + """
    hello_file:
    {
        F_STRING_VAR: hello from f-string subsitution in a file
        bind: /tmp/hello_file
        text:
        '''
        {F_STRING_VAR}
        '''
    },
""" + py_plugin("hello_python_from_env", "hello", "hello_python_from_env()",
                "\n        HELLO_MSG: hello from a python plugin via environment variables")
        + py_plugin("hello_python_from_arg", "hello", "hello_python_from_arg('{HELLO_MSG}')",
                    "\n        HELLO_MSG: hello from a python plugin via arguments")
        + py_plugin("hello_python_from_explicit_env", "hello",
                    "import os\n        hello_python_from_arg(os.environ.get('HELLO_MSG'))",
                    "\n        HELLO_MSG: hello from a python plugin via explicit arguments"),
        DOCKER_OPTS % "" + "\nenvplugins:\n{\n    LC_ALL: C.UTF-8\n}\n")

    stalk_file(project, "stage3", py_plugin("remove_portage_pkgs", "portage", "remove_packages()", """
        DONT_MOUNT_BOOT:1
        RM_PORT_PKGS:
        '''
        sys-kernel/debian-sources-lts
        '''""") + FINAL + """
    makeconf:
    {
        bind: /etc/portage/make.conf
        text:
        '''
        DONT_MOUNT_BOOT=1
        '''
    },
""", "#the root image, it has no DOCKER_INIT_IMG\n" + DOCKER_OPTS % "")

    write(project / "stalks/build_binaries/etc/portage/make.conf",
          'MAKEOPTS="-j{JN_MAKE_PROCS} -l{LN_MAKE_PROCS}"\nPKGDIR="{PORT_PKGDIR}"\nVIDEO_CARDS="{VIDEO_CARDS}"\n')
    write(project / "stalks/build_binaries/etc/conf.d/distccd", 'DISTCCD_OPTS="--allow {DISTCCD_ALLOW}"\n')
    install_distcc = ". /entropy/plugins/kantoo.sh && install_distcc"
    stalk_file(project, "build_binaries", sh_plugin("install_distcc", install_distcc, """
        IN_PORT_PKGS:
            '''
            sys-devel/distcc
            '''
        DISTCCD_HOSTS: 192.0.2.27/8,cpp,lzo 127.0.0.1/4
        CHOST:x86_64-pc-linux-gnu""")
        + sh_plugin("emerge_world", "emerge --usepkg -uDN @world\nemerge --depclean")
        + py_plugin("install_portage_pkgs", "portage", "emerge_local_binaries()", """
        IN_PORT_PKGS:
            '''
            app-admin/sudo
            app-editors/vim
            '''""") + FINAL + """
    make_conf:
    {
        VIDEO_CARDS:nvidia
        JN_MAKE_PROCS:29
        LN_MAKE_PROCS:4
        PORT_PKGDIR:/portage/packages
        bind: /etc/portage/make.conf
        path: stalks/build_binaries/etc/portage/make.conf
    },
    confd_distccd:
    {
        DISTCCD_ALLOW: 192.0.2.0/24
        path: stalks/build_binaries/etc/conf.d/distccd
        bind: /etc/conf.d/distccd
    },
    portage_artifacts:
    {
        path: sab_workspace/portage_artifacts
        bind: /portage/packages
        mode: rw
    },
""", DOCKER_OPTS % "" + "\nenvplugins:\n{\n    EDITOR: cat\n    LC_ALL: C.UTF-8\n}\n")

    write(project / "stalks/build_repo/etc/entropy/server.conf",
          "repository = {REPOSITORY_NAME}|{REPOSITORY_DESCRIPTION}|file://{ENTROPY_PKGDIR}\n")
    stalk_file(project, "build_repo", sh_plugin("patch_eit", ". /entropy/plugins/kantoo.sh && patch_eit")
               + sh_plugin("rebuild_entropy_database", "echo $ENTROPY_ARCH", "\n        ENTROPY_ARCH:''")
               + sh_plugin("sync_or_create_local_repo", "echo $REPOSITORY_NAME", "\n        REPOSITORY_NAME:''")
               + sh_plugin("inject_pkgdir", "echo $PKGDIR $TMP_PKGDIR", """
        REPOSITORY_NAME:''
        PKGDIR:/portage/packages
        TMP_PKGDIR:/portage/artifacts""") + sh_plugin("push", "echo push") + FINAL + """
    entropysrv:
    {
        ENTROPY_PKGDIR: /entropy/artifacts
        REPOSITORY_NAME:''
        REPOSITORY_DESCRIPTION:''
        path: stalks/build_repo/etc/entropy/server.conf
        bind: /etc/entropy/server.conf
    },
    entropy_artifacts:
    {
        path: sab_workspace/entropy_artifacts
        bind: /entropy/artifacts
        mode: rw
    },
    portage_artifacts:
    {
        path: sab_workspace/portage_artifacts
        bind: /portage/packages
        mode: rw
    },
""", DOCKER_OPTS % "")

    write(project / "stalks/stage4/etc/entropy/repositories.conf.d/entropy_kantoo.org",
          "[{REPOSITORY_NAME}]\ndesc = {REPOSITORY_DESCRIPTION}\npkg = {REPOSITORY_URI}\n")
    write(project / "stalks/stage4/etc/nsswitch.conf", "hosts: files mdns4_minimal [NOTFOUND=return] dns\n")
    steps = [sh_plugin(name, ". /entropy/plugins/kantoo.sh && export_fs") for name in (
        "install_equo", "equo_upgrade", "config_services", "install_firmware", "export_fs")]
    stalk_file(project, "stage4", "".join(steps[:1]) + py_plugin("unmask_equo_pkgs", "entropy", "unmask_packages()",
                                                                 "\n        PKGDIR:/portage/packages")
               + steps[1] + py_plugin("install_equo_packages", "entropy", "equo_install()") + steps[2]
               + sh_plugin("config_system", "echo $HOST_NAME", """
        ENTROPY_ARCH: ''
        CONFIG_SERIAL: ''
        HOST_NAME:stage4
        ROOT_PASSWD:iamsolame""") + steps[3]
               + sh_plugin("install_kernel", "echo $RPI_FIRMWARE", "\n        RPI_FIRMWARE:/entropy/rpi\n"
                           "        CONFIG_SERIAL: ''") + steps[4]
               + py_plugin("export_profiles", "portage", "export_profiles()",
                           "\n        STAGE4_TAR_PATH:/entropy/stage4s/stage4.tar") + FINAL + """
    release:
    {
        text:
        '''
        ###KANTOO###
        '''
        bind:/etc/kantoo-release
    },
    entropyrepo:
    {
        REPOSITORY_URI: ''
        REPOSITORY_NAME: ''
        REPOSITORY_DESCRIPTION: ''
        path: stalks/stage4/etc/entropy/repositories.conf.d/entropy_kantoo.org
        bind: /etc/entropy/repositories.conf.d/entropy_kantoo.org
    },
    nsswitch_conf:
    {
        path: stalks/stage4/etc/nsswitch.conf
        bind: /etc/nsswitch.conf
    },
    rpi:
    {
        path:sab_workspace/rpi
        bind:/entropy/rpi
        mode:rw
    },
    stage4s:
    {
        path:sab_workspace/stage4s
        bind:/entropy/stage4s
        mode:rw
    },
    portage_artifacts:
    {
        path: sab_workspace/portage_artifacts
        bind: /portage/packages
        mode: ro
    },
    entropy_artifacts:
    {
        path: sab_workspace/entropy_artifacts
        bind: /entropy/artifacts
        mode: rw
    },
""", DOCKER_OPTS % "" + "\nCONFIG_SERIAL: 1\n")

    write(project / "stalks/build_toolchain/etc/portage/make.conf",
          'MAKEOPTS="-j{JN_MAKE_PROCS}"\nPKGDIR="{PORT_PKGDIR}"\n')
    write_toolchain(project, tmp_path / "host-distfiles", start_distcc_skip=True)

    stalk_file(project, "phrackaged2", """
    install_phrackaged2:
    {
        text:
        '''
        #!/usr/bin/env sh
        mkdir -p /var/git/phkg2
        '''
        exec:false
    },
""", "OS: funtoo\nARCH: x86-64bit\nSUBARCH: amd64-k10\nENTROPY_ARCH: amd64\nSYSROOT_DIR:lib/sysroot\n"
         "DOCKER_BUILDKIT:1\n" + DOCKER_OPTS % "" + "\nDONT_MOUNT_BOOT:1\n")
    return project


def write_toolchain(project, distfiles, start_distcc_skip, hosts="192.0.2.27/8,cpp,lzo 127.0.0.1/6"):
    """build_toolchain: network host, skipped steps, a daemonized one, rw directories beside the project and
    absolute (here under the test's directory, not the host's /var/cache)."""
    return stalk_file(project, "build_toolchain", sh_plugin("emerge_gcc", "emerge --usepkg gcc", "\n        skip:true")
                      + sh_plugin("install_distcc", ". /entropy/plugins/kantoo.sh && install_distcc", """
        skip:false
        DISTCCD_HOSTS: %s
        CHOST:x86_64-pc-linux-gnu""" % hosts) + sh_plugin("start_distcc", """
echo "Starting distccd"
nohup sleep 600 >/dev/null 2>&1 &
echo $! > /run/distccd.pid""", "\n        skip:%s" % ("true" if start_distcc_skip else "false"))
                      .replace("exec:true", "exec:true\n        daemonize:true") + """
    make_conf:
    {
        JN_MAKE_PROCS:7
        PORT_PKGDIR:/portage/packages
        bind: /etc/portage/make.conf
        path: stalks/build_toolchain/etc/portage/make.conf
    },
    portage_repos_conf_overlay:
    {
        text:
        '''
        [dev-gcc-kit]
        location = /var/overlay
        '''
        bind:/etc/portage/repos.conf/dev-gcc-kit
    },
    dev-gcc-kit:
    {
        path: ../overlay-dev-gcc-kit.git
        bind: /var/overlay
        mode: rw
    },
    portage_artifacts:
    {
        path: sab_workspace/dev_portage_artifacts
        bind: /portage/packages
        mode: rw
    },
    distfiles:
    {
        path: %s
        bind: /var/cache/portage/distfiles
        mode: rw
    },
""" % distfiles, DOCKER_OPTS % "\n    network:'host'" + "\nDONT_MOUNT_BOOT:1\n")


def initial(client, base, os_name, stalk):
    """The seed's rule for a root without DOCKER_INIT_IMG: it starts from {OS}/{ARCH}/{SUBARCH}/<root>:initial."""
    repository = "%s/%s/%s/%s" % (os_name, ARCH, SUBARCH, stalk)
    client.images.get(base).tag(repository, "initial")
    return repository


def stalk_tags(client, os_name, stalk):
    return tags(client, os_name, stalk, ARCH, SUBARCH)


def test_hello_world_shape_grows_in_check_mode_then_for_real(client, project, os_name, fresh_base):
    tree = tree_file(project, "hello_world", os_name, """
    hello_world:
    {
        pretend:false
        TREE_CONFIG_VAR:hello from stalker config
    },""")
    initial(client, fresh_base, os_name, "hello_world")
    since = time.time()
    grow(tree, "--check")
    assert created_containers(client, since, os_name=os_name) == []
    assert set(stalk_tags(client, os_name, "hello_world")) == {"initial"}

    lines = step_lines(grow(tree).stdout)
    start = lines.index(SEED_LINES[0])
    assert lines[start:start + len(SEED_LINES)] == SEED_LINES
    steps = stalk_tags(client, os_name, "hello_world")
    assert set(steps) == {"initial", "hello_from_sh", "hello_python_from_env", "hello_python_from_arg",
                          "hello_python_from_explicit_env", "final"}
    assert steps["initial"] == client.images.get(fresh_base).id
    assert len(list((project / "logs/hello_world").glob("%s-%s-hello_from_sh-*.txt" % (ARCH, SUBARCH)))) == 1

    # the seed's --pretend and --skip, for a run: nothing runs, then a skipped step keeps its image
    write(tree, tree.read_text().replace("hello from stalker config", "changed in the tree"))
    since = time.time()
    grow(tree, "-e", "kantoo_pretend=true")
    grow(tree, "-e", "kantoo_skip=hello_world:hello_from_sh")
    assert created_containers(client, since, os_name=os_name) == []
    assert stalk_tags(client, os_name, "hello_world") == steps, "the steps after it find themselves in the cache"
    grow(tree)
    assert stalk_tags(client, os_name, "hello_world")["hello_from_sh"] != steps["hello_from_sh"]


def test_kantoo_shape_grows_in_check_mode(client, project, os_name, fresh_base):
    tree = tree_file(project, "kantoo", os_name, """
    stage3:
    {
        pretend:true

        build_binaries:
        {
            pretend:false
            skip_until:install_portage_pkgs

            build_repo:
            {
                pretend:true

                stage4:
                {
                    pretend:true
                    REPOSITORY_URI: file:///entropy/artifacts
                    CONFIG_SERIAL:1
                },
            },
        },
    },""", paths="""
    PORTAGE_ARTIFACTS:  sab_workspace/portage_artifacts
    ENTROPY_ARTIFACTS:  sab_workspace/entropy_artifacts
    STAGE4:             sab_workspace/stage4s""", common="""
globals:
{
   REPOSITORY_NAME:         testing.kantoo.example
   REPOSITORY_DESCRIPTION:  Funtoo on RPI3!
}""")
    stage3 = initial(client, fresh_base, os_name, "stage3")
    since = time.time()
    early = grow(tree, "--check", check=False)
    assert early.returncode != 0
    assert "stalk 'stage3': pretend is set, but step 'remove_portage_pkgs' has no image %s:remove_portage_pkgs" \
        % stage3 in early.stdout

    # what earlier runs would have left: the images of every step that pretend and skip_until take by tag
    base = client.images.get(fresh_base)
    reused = {"stage3": ["remove_portage_pkgs", "final"], "build_binaries": ["install_distcc", "emerge_world"],
              "build_repo": ["patch_eit", "rebuild_entropy_database", "sync_or_create_local_repo", "inject_pkgdir",
                             "push", "final"],
              "stage4": ["install_equo", "unmask_equo_pkgs", "equo_upgrade", "install_equo_packages",
                         "config_services", "config_system", "install_firmware", "install_kernel", "export_fs",
                         "export_profiles", "final"]}
    for stalk, steps in reused.items():
        for step in steps:
            base.tag("%s/%s/%s/%s" % (os_name, ARCH, SUBARCH, stalk), step)
    checked = grow(tree, "--check", "-e", "stalk_explain=true")
    out = checked.stdout
    assert "stalk 'build_binaries': directory %s (mounted at /portage/packages) does not exist yet; it will be " \
           "created when the stalk's first container starts" % (project / "sab_workspace/portage_artifacts") in out
    assert "install_distcc: reused by tag (skip_until is 'install_portage_pkgs')" in out
    assert "install_portage_pkgs: rebuilt" in out
    assert "export_profiles: reused by tag (pretend is set)" in out
    assert not (project / "sab_workspace").exists(), "check mode makes no directory"
    assert created_containers(client, since, os_name=os_name) == []

    # the seed's show_config: a stalk's merged configuration
    host = json.loads(run([str(BIN / "ansible-inventory"), "-i", str(tree), "--host", "stage4"]).stdout)
    assert host["kantoo_variables"]["REPOSITORY_URI"] == "file:///entropy/artifacts"
    assert host["kantoo_variables"]["REPOSITORY_NAME"] == "testing.kantoo.example"
    assert host["kantoo_initial_image"] == "%s/%s/%s/build_repo:final" % (os_name, ARCH, SUBARCH)
    assert host["kantoo_pretend"] is True


def test_toolchain_shape_skips_and_daemonizes(client, project, tmp_path, os_name, fresh_base):
    tree = tree_file(project, "toolchain", os_name, """
    build_toolchain:
    {
        pretend:false
    },""", paths="\n    PORTAGE_ARTIFACTS:  sab_workspace/portage_artifacts", common="\nglobals:\n{\n\n}")
    manifest = project / "stalks/build_toolchain/build_toolchain.hjson"
    repository = initial(client, fresh_base, os_name, "build_toolchain")
    since = time.time()
    early = grow(tree, "--check", check=False)
    assert early.returncode != 0
    assert "plugins.emerge_gcc.skip is true in %s, but step 'emerge_gcc' has no image %s:emerge_gcc" % (
        manifest, repository) in early.stdout

    # an earlier run's gcc, and a first run of the stalk file with start_distcc not skipped yet
    box = client.containers.run(fresh_base, ["touch /gcc-from-an-earlier-run"], entrypoint=["/bin/sh", "-c"],
                                detach=True)
    box.wait()
    box.commit(repository, "emerge_gcc")
    box.remove()
    distfiles = tmp_path / "host-distfiles"
    write_toolchain(project, distfiles, start_distcc_skip=False)
    checked = grow(tree, "--check").stdout
    assert "does not exist yet; it will be created" in checked and str(distfiles) in checked
    assert not distfiles.exists()

    lines = step_lines(grow(tree).stdout)
    assert "gcc from the skipped step's image" in lines and "Starting distccd" in lines
    first = stalk_tags(client, os_name, "build_toolchain")
    assert first["final"] == first["start_distcc"]
    for directory in (project / "sab_workspace/dev_portage_artifacts", tmp_path / "overlay-dev-gcc-kit.git",
                      distfiles):
        assert directory.is_dir(), "an rw directory is made when the stalk's first container starts"
    assert (project / "sab_workspace/dev_portage_artifacts/distcc-hosts").read_text().startswith("192.0.2.27/8")
    daemons = client.containers.list(filters={"label": ["kantoo.devkit.stalk=build_toolchain",
                                                        "kantoo.devkit.daemon=true"]})
    assert [c for c in daemons if c.image.id == client.images.get(repository + ":install_distcc").id], \
        "daemonize leaves the container running"
    for container in daemons:  # no run removes a daemon; its image could not go while it runs
        container.remove(force=True)

    # the seed's shape: start_distcc skipped; a change before it rebuilds install_distcc and runs nothing after it
    write_toolchain(project, distfiles, start_distcc_skip=True, hosts="127.0.0.1/2")
    since = time.time()
    grow(tree)
    again = stalk_tags(client, os_name, "build_toolchain")
    assert again["install_distcc"] != first["install_distcc"]
    assert again["start_distcc"] == again["final"] == first["start_distcc"], "the skipped step's image stays"
    started = [e["Actor"]["Attributes"]["kantoo.devkit.step"] for e in created_containers(client, since,
                                                                                           os_name=os_name)]
    assert started == ["install_distcc"]


def test_a_stalk_file_without_exec_plugins_says_so(client, project, os_name, fresh_base):
    """phrackaged2's shape: variables of its own (OS, ARCH, SUBARCH), and no exec plugin, so no step."""
    tree = write(project / "trees/phk/phk.hjson", "stalks: {\n  phrackaged2: {\n    DOCKER_INIT_IMG: %s\n  }\n}\n"
                 % fresh_base)
    host = json.loads(run([str(BIN / "ansible-inventory"), "-i", str(tree), "--host", "phrackaged2"]).stdout)
    assert host["kantoo_variables"]["DOCKER_BUILDKIT"] == 1 and host["kantoo_repository"].startswith("funtoo/")
    proc = grow(tree, "--check", check=False)
    assert proc.returncode != 0
    assert "no stalk file with exec plugins at %s" % (project / "stalks/phrackaged2/phrackaged2.hjson") in proc.stdout
