"""The neutral chat contract every channel and the core speak: events, replies, the channel
protocol, action ids and `say`. It imports nothing else of esmbot."""
