# lib/topology.sh - the sender/receiver testbed inside the guest.
#
#   tx (sender) --veth-- rx (receiver), two network namespaces.
#   Addresses from the documentation ranges: 192.0.2.1/24 (tx), 192.0.2.2/24
#   (rx), 2001:db8::1/64 and 2001:db8::2/64.
#   netem on both egress sides: DELAY ms each way; RATE (e.g. 1gbit, or
#   "none") and LOSS (percent) on the data direction tx -> rx only.
#
# topo_up [DELAY_MS] [RATE] [LOSS]   default 10 1gbit 0
# topo_down
# topo_delay DELAY_MS [RATE]          change the delay (and rate) of a running testbed
# wait_listen NS PORT                 wait (up to 10 s) until a TCP socket listens on PORT in NS
# in_tx CMD... / in_rx CMD...        run a command in a namespace
# rx_counter NAME                    a TcpExt counter of the receiver's namespace
TOPO_TX_ADDR=192.0.2.1
TOPO_RX_ADDR=192.0.2.2
TOPO_TX_ADDR6=2001:db8::1
TOPO_RX_ADDR6=2001:db8::2

in_tx() { $IP netns exec tx "$@"; }
in_rx() { $IP netns exec rx "$@"; }
rx_counter() { in_rx sh -c ". /trs/bench/lib/common.sh; netstat_get $1"; }

topo_down() {
	$IP netns del tx 2>/dev/null
	$IP netns del rx 2>/dev/null
	return 0
}

topo_up() {
	_delay=${1:-10} _rate=${2:-1gbit} _loss=${3:-0}
	topo_down
	$IP netns add tx || return 1
	$IP netns add rx || return 1
	$IP link add veth-tx netns tx type veth peer name veth-rx netns rx || return 1
	in_tx $IP link set lo up
	in_rx $IP link set lo up
	in_tx $IP addr add $TOPO_TX_ADDR/24 dev veth-tx
	in_rx $IP addr add $TOPO_RX_ADDR/24 dev veth-rx
	in_tx $IP -6 addr add $TOPO_TX_ADDR6/64 dev veth-tx nodad
	in_rx $IP -6 addr add $TOPO_RX_ADDR6/64 dev veth-rx nodad
	in_tx $IP link set veth-tx up
	in_rx $IP link set veth-rx up
	_rateopt=""
	[ "$_rate" = none ] || _rateopt="rate $_rate"
	# Queues long enough for the bandwidth-delay product at any tested RTT.
	in_tx $TC qdisc add dev veth-tx root netem limit 100000 \
		delay ${_delay}ms $_rateopt loss ${_loss}% || return 1
	in_rx $TC qdisc add dev veth-rx root netem limit 100000 \
		delay ${_delay}ms || return 1
	return 0
}

topo_delay() {
	_rateopt=""
	[ "${2:-none}" = none ] || _rateopt="rate $2"
	in_tx $TC qdisc change dev veth-tx root netem limit 100000 \
		delay ${1}ms $_rateopt loss 0% || return 1
	in_rx $TC qdisc change dev veth-rx root netem limit 100000 \
		delay ${1}ms || return 1
}

wait_listen() {
	_k=0
	while ! $IP netns exec "$1" $SS -Hltn "sport = :$2" | grep -q .; do
		_k=$((_k + 1))
		[ $_k -le 100 ] || return 1
		sleep 0.1
	done
}

