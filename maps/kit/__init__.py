"""The communication kit of a published plan: the weekly post images and text
(:mod:`maps.kit.post`), the A4 posters per stop and sheets per host partner
(:mod:`maps.kit.posters`). All rendered offline from the project's own files and the
installed fonts; what is public is :mod:`planner.publication`'s."""
