// filled in by the wallet page work
