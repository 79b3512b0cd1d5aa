"""The in-tree plugins; each is found through the smartcity.plugins entry points like any other."""
