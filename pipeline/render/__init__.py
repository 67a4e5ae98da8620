"""One version made readable: its body, the page in its site, images, leaflets, the interface words."""
