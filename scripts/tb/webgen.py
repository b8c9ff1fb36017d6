"""Placeholder: replaced by the real generator."""


def generate(world, plan, state, T):
    pass


def truth(world, plan, T):
    return {}
