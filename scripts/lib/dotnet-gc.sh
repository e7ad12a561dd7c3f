# Sourced by scripts/run and scripts/homeserver before the server starts, and by scripts/test before the tests.
# The workstation GC sizes its youngest generation from the CPU's L3 cache; where the machine reports none (many VMs
# and containers have no /sys/devices/system/cpu/cpu0/cache) it falls back to a budget of about 1.5 MB and collects
# that often. Under a live event's 2,000 long-polls that was 8-10 collections and 0.5-1 s of pauses in every 2 s
# (bench/README.md, "Live event"). 64 MB unless set; it can only be given through the environment.
export DOTNET_GCgen0size="${DOTNET_GCgen0size:-0x4000000}"
