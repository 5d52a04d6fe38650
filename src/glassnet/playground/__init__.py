"""``glassnet playground``: a local web page where a network trains live in glassnet itself.

``engine`` (data, network, training through ``tracing.trace_step``, rewind), ``views`` (what
the page draws, every number of a neuron or weight), ``exports`` (a script that repeats the
run, a model file), ``commands`` and ``server`` (http.server on 127.0.0.1, server-sent
events), ``page.html`` (the one self-contained page). The core never imports this package.
"""
