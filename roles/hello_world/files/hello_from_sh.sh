#!/bin/sh
echo "${DOC_TXT}"

echo These are bash variables
echo TREE_CONFIG_VAR is set to "${TREE_CONFIG_VAR}"
echo STALK_CONFIG_VAR is set to "${STALK_CONFIG_VAR}"
echo
echo Python f-string subsitution is done on file plugins
echo e.g. {F_STRING_VAR} in /tmp/hello_file is set to
cat /tmp/hello_file
