"""From toy surfaces to a real network: depth, initialization, residual connections, LayerNorm,
schedules, ensembles and weight averaging on a small MLP (every setting is in the link)."""

import streamlit as st

import ui
from ui import _network as net

_ = ui.t
ui.page_setup("Neural network")
st.title(_("The loss landscape of a real (small) network"))
st.write(_(
    "An MLP with 1-8 hidden layers learns a toy data set (300 training points, 300 validation "
    "points). Its loss lives in hundreds to tens of thousands of dimensions; we look at 2-D "
    "slices through the final weights along random directions rescaled filter by filter "
    "(Li et al. 2018) and along the directions in which the training moved most (PCA), at "
    "each layer's gradients and activations as the depth grows, and at what averaging "
    "networks (their predictions or their weights) buys."
))  # fmt: skip
with st.expander(_("A note on the notes: is a network's loss convex?")):
    ui.notes_on_notes(network=True)

cfg, view = net.controls()
trained = net.runs(cfg)
if view == "training":
    net.show_training(cfg, trained)
elif view == "landscape":
    net.show_landscape(cfg, trained)
elif view == "layers":
    net.show_layers(cfg, trained)
elif view == "residual & LayerNorm":
    net.show_resln(cfg)
elif view == "ensembles":
    net.show_ensembles(cfg)
elif view == "averaging":
    net.show_averaging(cfg)
else:
    net.show_muon()
