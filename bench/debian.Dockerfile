# The Debian tree (inventories/debian.hjson) as one multi-stage Dockerfile, for bench/debian.py to time against
# the tree: the same apt settings, packages, release package, signed repository and stage4, exported as the same
# two tarballs. One RUN a step of the roles, in their order; the ARG values are the tree's.
#
#   base      roles/debian_base       apt settings, the base brought up to date
#   binaries  roles/debian_binaries   .deb files in /kantoo/packages, and kantoo-release built from its sources
#   repo      roles/debian_repo       signed apt repository in /kantoo/repo (the key made here, in /kantoo/keys)
#   stage4    roles/debian_stage4     FROM base, installed only from the repository, configured
#   export    its export step         /kantoo/stage4s/{stage4,boot}.tar, which `docker cp` takes out
#
# DOCKER_BUILDKIT=0 docker build --network host --build-arg BASE=<copy of kantoo/debian:bookworm> -f THIS <dir>
ARG BASE=kantoo/debian:bookworm

FROM ${BASE} AS base
ENV DEBIAN_FRONTEND=noninteractive
# configure_apt
RUN printf '// Ansible managed\nAPT::Install-Recommends "false";\nAPT::Install-Suggests "false";\n' \
        > /etc/apt/apt.conf.d/90kantoo
# upgrade: the tree's apt module installs python3-apt first (the base lacks it), so its stage4 has it too
RUN apt-get update -q && apt-get install -y -q python3-apt \
    && apt-get dist-upgrade -y -q -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold

FROM base AS binaries
ARG DEBIAN_PACKAGES="chrony sudo vim-tiny"
ARG RELEASE_VERSION=1.0
ARG REPOSITORY_DESCRIPTION="Kantoo on Debian"
# download_packages: the lists are the base's, minutes old (the tree's cache_valid_time skips the update too)
RUN install -d -m 0755 /kantoo/packages && install -d -m 0700 -o _apt /kantoo/packages/partial \
    && apt-get install --download-only --yes --quiet -o Dir::Cache::Archives=/kantoo/packages/ $DEBIAN_PACKAGES
# build_release_package
RUN cd /usr/src && mkdir -p kantoo-release/DEBIAN kantoo-release/etc kantoo-release/boot \
    && printf '%s\n' "Package: kantoo-release" "Version: $RELEASE_VERSION" "Architecture: all" \
        "Maintainer: kantoo-devkit <kantoo@localhost>" "Priority: optional" "Section: admin" \
        "Description: $REPOSITORY_DESCRIPTION" \
        " Built by the kantoo devkit's Debian tree: the release file and the kernel command line of its stage4." \
        > kantoo-release/DEBIAN/control \
    && printf '###KANTOO###\nNAME="%s"\nVERSION="%s"\n' "$REPOSITORY_DESCRIPTION" "$RELEASE_VERSION" \
        > kantoo-release/etc/kantoo-release \
    && echo 'console=tty1 root=/dev/sda2 rootfstype=ext4 fsck.repair=yes rootwait' > kantoo-release/boot/cmdline.txt \
    && dpkg-deb --root-owner-group --build kantoo-release /kantoo/packages/kantoo-release_${RELEASE_VERSION}_all.deb

FROM binaries AS repo
ARG REPOSITORY_NAME=kantoo
ARG REPOSITORY_DESCRIPTION="Kantoo on Debian"
ARG SUITE=bookworm
# install_tools
RUN apt-get install -y -q -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
        apt-utils gnupg rsync
# signing_key
RUN install -d -m 0700 /kantoo/keys/gnupg && install -d -m 0755 /kantoo/repo \
    && gpg --batch --homedir /kantoo/keys/gnupg --passphrase '' --pinentry-mode loopback \
        --quick-gen-key "$REPOSITORY_NAME archive signing key <kantoo@localhost>" ed25519 sign never \
    && gpg --batch --homedir /kantoo/keys/gnupg --armor --export > /kantoo/repo/kantoo-archive-keyring.asc \
    && gpgconf --homedir /kantoo/keys/gnupg --kill gpg-agent
# publish
RUN cd /kantoo/repo && arch=$(dpkg --print-architecture) && mkdir -p pool/main dists/$SUITE/main/binary-$arch \
    && rsync --archive --itemize-changes --include='*.deb' --exclude='*' /kantoo/packages/ pool/main/ \
    && apt-ftparchive packages pool > dists/$SUITE/main/binary-$arch/Packages \
    && apt-ftparchive -o APT::FTPArchive::Release::Origin=$REPOSITORY_NAME \
        -o APT::FTPArchive::Release::Label=$REPOSITORY_NAME -o APT::FTPArchive::Release::Suite=$SUITE \
        -o APT::FTPArchive::Release::Codename=$SUITE -o APT::FTPArchive::Release::Components=main \
        -o APT::FTPArchive::Release::Architectures=$arch \
        -o "APT::FTPArchive::Release::Description=$REPOSITORY_DESCRIPTION" release dists/$SUITE > /tmp/Release \
    && mv /tmp/Release dists/$SUITE/Release \
    && gpg --batch --yes --homedir /kantoo/keys/gnupg --clearsign --output dists/$SUITE/InRelease dists/$SUITE/Release \
    && gpgconf --homedir /kantoo/keys/gnupg --kill gpg-agent

FROM base AS stage4
# first, not an ARG as in binaries: after a --no-cache build, two like first instructions on base are two images,
# and the legacy builder's cache would follow stage4's one into binaries, building binaries again
COPY --from=repo /kantoo/repo /kantoo/repo
ARG DEBIAN_PACKAGES="chrony sudo vim-tiny"
ARG SUITE=bookworm
# use_repository
RUN cp /kantoo/repo/kantoo-archive-keyring.asc /usr/share/keyrings/ \
    && rm -f /etc/apt/sources.list /etc/apt/sources.list.d/debian.sources \
    && printf '%s\n' "# Ansible managed" "Types: deb" "URIs: file:/kantoo/repo" "Suites: $SUITE" "Components: main" \
        "Signed-By: /usr/share/keyrings/kantoo-archive-keyring.asc" > /etc/apt/sources.list.d/kantoo.sources \
    && apt-get update -q
# install_packages
RUN apt-get install -y -q -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
        $DEBIAN_PACKAGES kantoo-release
# the only change of bench/debian.py's third run: from here on, each RUN is built again
ARG HOST_NAME=stage4
# configure_system: the root password locked, as the tree without ROOT_PASSWD (its user module, like this, leaves
# /etc/shadow alone when root's is locked already)
RUN printf '# Ansible managed\n/dev/sda1\t/boot\tvfat\tdefaults\t0\t2\n/dev/sda2\t/\text4\tdefaults\t0\t1\n' \
        > /etc/fstab \
    && { [ "$(getent shadow root | cut -d: -f2)" = '*' ] || usermod -p '*' root; }

# export: the root without /boot, and /boot, as rootfs_export makes them (names sorted, numeric owners, no atime
# or ctime, Docker's own files left out, the stage4's hostname and hosts put in); tar's status 1 is only "file
# changed as we read it", of the mount points /proc and /sys
FROM stage4 AS export
ARG HOST_NAME=stage4
RUN mkdir -p /kantoo/stage4s /kantoo/overlay/etc && cd /kantoo \
    && echo "$HOST_NAME" > overlay/etc/hostname \
    && printf '127.0.0.1\tlocalhost\n127.0.1.1\t%s\n::1\tlocalhost ip6-localhost ip6-loopback\n' "$HOST_NAME" \
        > overlay/etc/hosts \
    && set -- --format=pax --sort=name --numeric-owner --xattrs --pax-option=delete=atime,delete=ctime \
    && { tar --create --file=stage4s/stage4.tar "$@" --anchored --exclude=./kantoo --exclude=./.dockerenv \
        --exclude=./etc/hostname --exclude=./etc/hosts --exclude=./etc/resolv.conf --exclude='./boot/*' \
        --exclude='./dev/*' --exclude='./proc/*' --exclude='./sys/*' --exclude='./run/*' --exclude='./tmp/*' \
        --exclude='./var/tmp/*' --exclude='./var/cache/apt/*' --exclude='./var/lib/apt/lists/*' \
        --exclude=./root/.ansible --exclude=./root/.ssh --warning=no-file-changed -C / . || [ $? = 1 ]; } \
    && tar --append --file=stage4s/stage4.tar "$@" --owner=0 --group=0 -C overlay ./etc/hostname ./etc/hosts \
    && tar --create --file=stage4s/boot.tar "$@" -C / ./boot
