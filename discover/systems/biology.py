"""Reference systems from biology, chemistry and neuroscience: rational, Hill, Holling and
sigmoid right-hand sides, plus high-degree polynomials and products of trigonometric functions.

Each entry names its source (paper or textbook) in its description. Parameters are the
sources' where these give oscillations or clear transients on a short time span, otherwise
values in the same regime, chosen so that a few runs of a few thousand samples show every
term. They are merged into :data:`discover.systems.catalog.SYSTEMS`.
"""

from __future__ import annotations

from discover.systems.system import System

BIOLOGY: tuple[System, ...] = (
    System(
        "toggle_switch",
        "Genetic toggle switch, two mutually repressing genes with Hill repression of order 2 "
        "(Gardner, Cantor & Collins, Nature 403, 2000)",
        ("u", "v"),
        ("a1/(1 + v**2) - u", "a2/(1 + u**2) - v"),
        {"a1": 4.0, "a2": 3.0},
        (2.5, 2.5),
        (2.4, 2.4),
        t_end=5.0,
        polynomial=False,
        positive=True,
    ),
    System(
        "repressilator",
        "Repressilator, protein-only ring of three repressors with Hill order 3 "
        "(Elowitz & Leibler, Nature 403, 2000; reduced form as in Strogatz's textbook exercises)",
        ("p1", "p2", "p3"),
        ("a/(1 + p3**3) - p1", "a/(1 + p1**3) - p2", "a/(1 + p2**3) - p3"),
        {"a": 5.0},
        (0.2, 1.0, 3.0),
        (1.0, 1.0, 1.0),
        t_end=12.0,
        polynomial=False,
        positive=True,
    ),
    System(
        "goodwin",
        "Goodwin oscillator, a gene product repressing its own transcription through two steps, "
        "Hill order 4 (Goodwin, Adv. Enzyme Regul. 3, 1965; Gonze, Bernard et al., Biophys. J. 89, 2005)",
        ("x", "y", "z"),
        ("a/(1 + z**4) - b*x", "x - b*y", "y - b*z"),
        {"a": 3.0, "b": 0.4},
        (0.1, 0.5, 1.5),
        (0.5, 0.5, 0.5),
        t_end=20.0,
        polynomial=False,
        positive=True,
    ),
    System(
        "rosenzweig_macarthur",
        "Rosenzweig-MacArthur predator-prey model, Holling type II functional response "
        "(Rosenzweig & MacArthur, Am. Nat. 97, 1963)",
        ("x", "y"),
        ("r*x*(1 - x/K) - a*x*y/(1 + a*h*x)", "e*a*x*y/(1 + a*h*x) - m*y"),
        {"r": 1.0, "K": 3.0, "a": 2.0, "h": 0.5, "e": 0.8, "m": 0.4},
        (1.0, 0.5),
        (0.6, 0.3),
        t_end=25.0,
        polynomial=False,
        positive=True,
    ),
    System(
        "chemostat",
        "Chemostat with Monod growth: substrate S and biomass X "
        "(Monod, Ann. Inst. Pasteur 79, 1950; Smith & Waltman, The Theory of the Chemostat, 1995)",
        ("S", "X"),
        ("D*(S0 - S) - mu*S*X/(Y*(Ks + S))", "mu*S*X/(Ks + S) - D*X"),
        {"D": 0.3, "S0": 2.0, "mu": 1.0, "Ks": 0.5, "Y": 0.5},
        (1.5, 0.2),
        (0.8, 0.15),
        t_end=20.0,
        polynomial=False,
        positive=True,
    ),
    System(
        "sir_saturated",
        "SIR epidemic with saturated incidence beta*S*I/(1 + alpha*I) "
        "(Capasso & Serio, Math. Biosci. 42, 1978)",
        ("S", "I", "R"),
        ("-beta*S*I/(1 + alpha*I)", "beta*S*I/(1 + alpha*I) - gamma*I", "gamma*I"),
        {"beta": 0.8, "alpha": 5.0, "gamma": 0.1},
        (0.9, 0.1, 0.0),
        (0.08, 0.08, 0.05),
        t_end=60.0,
        polynomial=False,
        positive=True,
    ),
    System(
        "budworm",
        "Spruce budworm outbreak model: logistic growth with Holling type III predation by birds "
        "(Ludwig, Jones & Holling, J. Anim. Ecol. 47, 1978; Strogatz, Nonlinear Dynamics and Chaos, sec. 3.7)",
        ("N",),
        ("r*N*(1 - N/K) - B*N**2/(A**2 + N**2)",),
        {"r": 0.6, "K": 8.0, "B": 1.0, "A": 1.0},
        (0.5,),
        (5.0,),
        t_end=25.0,
        polynomial=False,
        positive=True,
    ),
    System(
        "wilson_cowan",
        "Wilson-Cowan neural mass model, excitatory and inhibitory populations with logistic sigmoid "
        "activation (Wilson & Cowan, Biophys. J. 12, 1972)",
        ("E", "I"),
        ("-E + 1/(1 + exp(-(wee*E - wei*I + P)))", "-I + 1/(1 + exp(-(wie*E - wii*I + Q)))"),
        {"wee": 10.0, "wei": 10.0, "P": -2.0, "wie": 10.0, "wii": 2.0, "Q": -4.0},
        (0.1, 0.05),
        (0.1, 0.05),
        t_end=20.0,
        polynomial=False,
        positive=True,
    ),
    System(
        "quintic_duffing",
        "Oscillator in a sextic potential, restoring force with cubic and quintic terms "
        "(Nayfeh & Mook, Nonlinear Oscillations, 1979, ch. 4)",
        ("x", "v"),
        ("v", "-delta*v - alpha*x - beta*x**3 - g*x**5"),
        {"delta": 0.1, "alpha": 1.0, "beta": -0.8, "g": 0.2},
        (1.2, 0.0),
        (0.8, 0.8),
        t_end=20.0,
    ),
    System(
        "hopf_quintic",
        "Normal form of a subcritical Hopf bifurcation with quintic saturation, "
        "r' = mu*r + r**3 - r**5 in Cartesian coordinates (Strogatz, Nonlinear Dynamics and Chaos, sec. 8.2)",
        ("x", "y"),
        ("mu*x - w*y + x*(x**2 + y**2) - x*(x**2 + y**2)**2",
         "w*x + mu*y + y*(x**2 + y**2) - y*(x**2 + y**2)**2"),
        {"mu": -0.1, "w": 1.0},
        (0.5, 0.0),
        (0.6, 0.6),
        t_end=15.0,
    ),
    System(
        "rotating_hoop",
        "Bead on a rotating hoop with friction: -g*sin(phi) + r*sin(phi)*cos(phi) "
        "(Strogatz, Nonlinear Dynamics and Chaos, sec. 3.5)",
        ("phi", "w"),
        ("w", "-b*w - g*sin(phi) + r*sin(phi)*cos(phi)"),
        {"b": 0.4, "g": 1.0, "r": 3.0},
        (1.0, 0.0),
        (1.0, 1.0),
        t_end=15.0,
        polynomial=False,
    ),
    System(
        "kuramoto_pair",
        "Two coupled phase oscillators, coupling through the sine of the phase difference "
        "(Kuramoto, Lecture Notes in Physics 39, 1975; Strogatz, Physica D 143, 2000)",
        ("a", "b"),
        ("w1 + K*sin(b - a)", "w2 + K*sin(a - b)"),
        {"w1": 1.0, "w2": 2.2, "K": 0.5},
        (0.0, 1.0),
        (1.0, 1.0),
        t_end=15.0,
        polynomial=False,
    ),
)

#: The systems with rational, Hill, Holling or sigmoid terms (with ``michaelis_menten`` from the catalogue).
SATURATING = ("michaelis_menten", "toggle_switch", "repressilator", "goodwin", "rosenzweig_macarthur",
              "chemostat", "sir_saturated", "budworm", "wilson_cowan")
