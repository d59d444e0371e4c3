#!/bin/sh
# Runs in the QEMU guest (make run): load kvm_ext, show its nodes, run the
# demo, unload.
set -e
insmod ./kvm_ext.ko
echo "kvm_ext loaded into $(uname -r):"
ls -l /dev/kvm_ext/
./kvm_ext_demo
rmmod kvm_ext
echo "kvm_ext unloaded"
