"""The router and the fibre ONT, and the support team's own procedure (internal)."""

from .doc import Doc, T, md

ONT_LIGHTS = Doc(
    key="ont-lights",
    category="equipment",
    days=57,
    views=534,
    request_types=("I have a problem",),
    related=("no-internet", "router-reset"),
    attachment="ont-lights.png",
    texts={
        "es": T(
            "Luces del ONT de fibra: qué significan",
            "POWER, PON, LOS y LAN: lo que dice cada luz del equipo de fibra y qué hacer en "
            "cada caso.",
            "ONT, luces, LOS roja, PON parpadea, fibra, módem de fibra",
            md(
                """
                El ONT es la cajita blanca donde termina la fibra, antes de su router.
                Sus luces dicen en segundos si el problema está en la fibra o en su red.

                ![Las cuatro luces del ONT, LOS en rojo](attachment:ont-lights.png)

                En la imagen, de izquierda a derecha: POWER, PON, LOS y LAN. La luz LOS
                está roja: no llega señal por la fibra.

                ## Cada luz

                | Luz | Normal | Parpadea | Roja o apagada |
                |---|---|---|---|
                | POWER | Verde fija | — | Sin corriente: revise el enchufe |
                | PON | Verde fija | Registrándose (hasta 2 min) | Sin registro: abra un ticket |
                | LOS | Apagada | Señal débil | Roja: fibra cortada o desconectada |
                | LAN | Verde | Hay tráfico: normal | Apagada: revise el cable al router |

                ## LOS roja

                Es la única luz que no se arregla reiniciando. Revise que el cable de fibra
                (el delgado, verde o azul en la punta) esté bien puesto y **sin doblar**,
                y abra un ticket **Tengo un problema**. No desconecte la fibra para
                limpiarla: se daña con facilidad.

                ## PON parpadea más de 5 minutos

                El ONT recibe luz pero nuestra red no lo reconoce. Suele ser una falla
                nuestra: abra un ticket e indique el número de serie que aparece en la
                etiqueta de abajo del equipo.
                """
            ),
        ),
        "en": T(
            "Fibre ONT lights: what they mean",
            "POWER, PON, LOS and LAN: what each light on the fibre box says, and what to do "
            "in each case.",
            "ONT, lights, red LOS, PON blinking, fibre, fibre modem",
            md(
                """
                The ONT is the small white box where the fibre ends, before your router.
                Its lights tell in seconds whether the problem is on the fibre or in your
                network.

                ![The ONT's four lights, LOS in red](attachment:ont-lights.png)

                In the picture, from left to right: POWER, PON, LOS and LAN. LOS is red:
                no signal is coming through the fibre.

                ## Each light

                | Light | Normal | Blinking | Red or off |
                |---|---|---|---|
                | POWER | Steady green | — | No power: check the plug |
                | PON | Steady green | Registering (up to 2 min) | Not registered: open a ticket |
                | LOS | Off | Weak signal | Red: fibre cut or disconnected |
                | LAN | Green | Traffic: normal | Off: check the cable to the router |

                ## Red LOS

                It is the one light a restart does not fix. Check that the fibre cable (the
                thin one, green or blue at the tip) is firmly in and **not bent**, and open
                an **I have a problem** ticket. Do not unplug the fibre to clean it: it is
                easily damaged.

                ## PON blinking for more than 5 minutes

                The ONT receives light but our network does not recognise it. It is usually
                on our side: open a ticket with the serial number from the label under the
                box.
                """
            ),
        ),
        "pt": T(
            "Luzes da ONT de fibra: o que significam",
            "POWER, PON, LOS e LAN: o que cada luz do equipamento de fibra indica e o que "
            "fazer em cada caso.",
            "ONT, luzes, LOS vermelha, PON piscando, fibra, modem de fibra",
            md(
                """
                A ONT é a caixinha branca onde a fibra termina, antes do seu roteador. As
                luzes dela mostram em segundos se o problema está na fibra ou na sua rede.

                ![As quatro luzes da ONT, LOS em vermelho](attachment:ont-lights.png)

                Na imagem, da esquerda para a direita: POWER, PON, LOS e LAN. A LOS está
                vermelha: não chega sinal pela fibra.

                ## Cada luz

                | Luz | Normal | Piscando | Vermelha ou apagada |
                |---|---|---|---|
                | POWER | Verde fixa | — | Sem energia: verifique a tomada |
                | PON | Verde fixa | Registrando (até 2 min) | Sem registro: abra um chamado |
                | LOS | Apagada | Sinal fraco | Vermelha: fibra rompida ou solta |
                | LAN | Verde | Tráfego: normal | Apagada: verifique o cabo do roteador |

                ## LOS vermelha

                É a única luz que não se resolve reiniciando. Verifique se o cabo de fibra
                (o fino, verde ou azul na ponta) está bem encaixado e **sem dobras**, e abra
                um chamado **Tenho um problema**. Não desconecte a fibra para limpá-la: ela
                se danifica com facilidade.

                ## PON piscando por mais de 5 minutos

                A ONT recebe sinal, mas a nossa rede não a reconhece. Em geral a falha é
                nossa: abra um chamado com o número de série da etiqueta embaixo do
                aparelho.
                """
            ),
        ),
        "fr": T(
            "Voyants de l'ONT fibre : ce qu'ils signifient",
            "POWER, PON, LOS et LAN : ce que dit chaque voyant du boîtier fibre, et que faire "
            "dans chaque cas.",
            "ONT, voyants, LOS rouge, PON clignote, fibre, box fibre",
            md(
                """
                L'ONT est le petit boîtier blanc où arrive la fibre, avant votre routeur.
                Ses voyants disent en quelques secondes si le problème vient de la fibre ou
                de votre réseau.

                ![Les quatre voyants de l'ONT, LOS en rouge](attachment:ont-lights.png)

                Sur l'image, de gauche à droite : POWER, PON, LOS et LAN. LOS est rouge :
                aucun signal n'arrive par la fibre.

                ## Chaque voyant

                | Voyant | Normal | Clignote | Rouge ou éteint |
                |---|---|---|---|
                | POWER | Vert fixe | — | Pas de courant : vérifiez la prise |
                | PON | Vert fixe | Enregistrement (2 min max) | Non enregistré : ouvrez un ticket |
                | LOS | Éteint | Signal faible | Rouge : fibre coupée ou débranchée |
                | LAN | Vert | Trafic : normal | Éteint : vérifiez le câble du routeur |

                ## LOS rouge

                C'est le seul voyant qu'un redémarrage ne règle pas. Vérifiez que le câble
                fibre (le fin, vert ou bleu au bout) est bien enfoncé et **pas plié**, puis
                ouvrez un ticket **J'ai un problème**. Ne débranchez pas la fibre pour la
                nettoyer : elle s'abîme facilement.

                ## PON clignote plus de 5 minutes

                L'ONT reçoit de la lumière mais notre réseau ne le reconnaît pas. Cela vient
                en général de chez nous : ouvrez un ticket avec le numéro de série inscrit
                sous le boîtier.
                """
            ),
        ),
    },
)

ROUTER_RESET = Doc(
    key="router-reset",
    category="equipment",
    days=55,
    views=477,
    request_types=("I have a problem",),
    related=("no-internet", "ont-lights"),
    texts={
        "es": T(
            "Reiniciar o restablecer el router: no es lo mismo",
            "Reiniciar lo apaga y lo enciende; restablecer borra su configuración. Cuándo "
            "hacer cada uno.",
            "reiniciar router, reset, restablecer, valores de fábrica, router colgado",
            md(
                """
                ## Reiniciar (sí, cuando quiera)

                Apagar y encender el router soluciona muchos problemas pasajeros y no borra
                nada.

                1. Desenchufe el router (no el ONT) y espere 30 segundos.
                2. Vuelva a enchufarlo.
                3. Espere 3 minutos: la luz WAN o Internet debe quedar verde.

                ## Restablecer (no, sin hablar con nosotros)

                El botón **Reset**, apretado 10 segundos, deja el router como salió de
                fábrica: se pierden el WiFi, las direcciones fijas, las reglas de firewall y
                la VPN. Su oficina queda sin internet hasta que lo configuremos de nuevo.

                Si alguien lo apretó por error, abra un ticket **Tengo un problema**: lo
                reconfiguramos a distancia en cuanto el router vuelva a estar en línea.

                ## Si se reinicia solo

                Un router que se reinicia solo cada cierto tiempo suele tener un problema
                de alimentación o de temperatura. Revise que tenga ventilación y abra un
                ticket indicando cada cuánto ocurre.
                """
            ),
        ),
        "en": T(
            "Restart or reset the router: not the same thing",
            "Restarting switches it off and on; resetting wipes its configuration. When to "
            "do each.",
            "restart router, reboot, reset, factory settings, router frozen",
            md(
                """
                ## Restart (yes, whenever you like)

                Switching the router off and on clears many passing problems and erases
                nothing.

                1. Unplug the router (not the ONT) and wait 30 seconds.
                2. Plug it back in.
                3. Wait 3 minutes: the WAN or Internet light should turn green.

                ## Reset (no, not without talking to us)

                The **Reset** button, held for 10 seconds, returns the router to its factory
                state: the Wi-Fi, static addresses, firewall rules and VPN are lost. Your
                office stays offline until we configure it again.

                If someone pressed it by mistake, open an **I have a problem** ticket: we
                configure it again remotely as soon as the router is back online.

                ## If it restarts by itself

                A router that restarts by itself every so often usually has a power or
                heat problem. Check that it has air around it, and open a ticket saying how
                often it happens.
                """
            ),
        ),
        "pt": T(
            "Reiniciar ou resetar o roteador: não é a mesma coisa",
            "Reiniciar desliga e liga; resetar apaga a configuração. Quando fazer cada um.",
            "reiniciar roteador, reset, resetar, padrão de fábrica, roteador travado",
            md(
                """
                ## Reiniciar (sim, quando quiser)

                Desligar e ligar o roteador resolve muitos problemas passageiros e não
                apaga nada.

                1. Tire o roteador da tomada (não a ONT) e aguarde 30 segundos.
                2. Ligue-o de novo.
                3. Aguarde 3 minutos: a luz WAN ou Internet deve ficar verde.

                ## Resetar (não, sem falar conosco)

                O botão **Reset**, apertado por 10 segundos, deixa o roteador como saiu da
                fábrica: perdem-se o Wi-Fi, os IPs fixos, as regras de firewall e a VPN. O
                escritório fica sem internet até configurarmos de novo.

                Se alguém apertou por engano, abra um chamado **Tenho um problema**: nós o
                reconfiguramos a distância assim que o roteador voltar a ficar online.

                ## Se ele reinicia sozinho

                Um roteador que reinicia sozinho de tempos em tempos costuma ter problema de
                alimentação ou de temperatura. Veja se ele está ventilado e abra um chamado
                dizendo com que frequência acontece.
                """
            ),
        ),
        "fr": T(
            "Redémarrer ou réinitialiser le routeur : ce n'est pas pareil",
            "Redémarrer l'éteint et le rallume ; réinitialiser efface sa configuration. Quand "
            "faire l'un ou l'autre.",
            "redémarrer routeur, reset, réinitialiser, paramètres d'usine, routeur bloqué",
            md(
                """
                ## Redémarrer (oui, quand vous voulez)

                Éteindre et rallumer le routeur règle beaucoup de problèmes passagers et
                n'efface rien.

                1. Débranchez le routeur (pas l'ONT) et attendez 30 secondes.
                2. Rebranchez-le.
                3. Attendez 3 minutes : le voyant WAN ou Internet doit passer au vert.

                ## Réinitialiser (non, pas sans nous en parler)

                Le bouton **Reset**, maintenu 10 secondes, remet le routeur dans son état
                d'usine : le Wi-Fi, les adresses fixes, les règles du pare-feu et le VPN sont
                perdus. Votre bureau reste sans internet jusqu'à ce que nous le
                reconfigurions.

                Si quelqu'un a appuyé dessus par erreur, ouvrez un ticket **J'ai un
                problème** : nous le reconfigurons à distance dès que le routeur est de
                nouveau en ligne.

                ## S'il redémarre tout seul

                Un routeur qui redémarre seul de temps en temps a souvent un problème
                d'alimentation ou de chaleur. Vérifiez qu'il est bien ventilé et ouvrez un
                ticket en indiquant la fréquence.
                """
            ),
        ),
    },
)

# Staff only: never in a client's search or list.
ONT_REMOTE = Doc(
    key="ont-remote",
    category="equipment",
    days=50,
    visibility="internal",
    related=("ont-lights",),
    texts={
        "en": T(
            "Support: rebooting a client's ONT from the OLT",
            "For agents: check the optical levels and reboot an ONT remotely before sending "
            "a technician.",
            "OLT, ONT reboot, optical power, dBm, field visit",
            md(
                """
                Before booking a field visit for a client with no service, check the ONT
                from the OLT. Log in to the OLT of the client's area through the jump host
                (never from your laptop directly).

                ## 1. Find the ONT and read its levels

                ```
                show ont info by-sn HWTC1A2B3C4D
                show ont optical-info 0/3/7 12
                ```

                | Received power | Meaning | Action |
                |---|---|---|
                | -8 to -25 dBm | Good | Reboot (step 2) |
                | -25 to -28 dBm | Weak | Reboot, then book a cleaning visit |
                | below -28 dBm or none | Fibre cut or dirty connector | Field visit |

                ## 2. Reboot it

                ```
                ont reset 0/3/7 12
                ```

                Wait 3 minutes and check that its state is `online` again.

                ## 3. Write it down

                Add an **internal note** to the ticket with the levels before and after.
                Never paste the OLT's output into a public reply: it names other clients'
                ports.
                """
            ),
        ),
        "es": T(
            "Soporte: reiniciar el ONT de un cliente desde la OLT",
            "Para agentes: revisar los niveles ópticos y reiniciar un ONT a distancia antes de "
            "enviar un técnico.",
            "OLT, reinicio ONT, potencia óptica, dBm, visita técnica",
            md(
                """
                Antes de agendar una visita para un cliente sin servicio, revise el ONT
                desde la OLT. Entre a la OLT de la zona del cliente por el jump host (nunca
                directamente desde su notebook).

                ## 1. Buscar el ONT y leer sus niveles

                ```
                show ont info by-sn HWTC1A2B3C4D
                show ont optical-info 0/3/7 12
                ```

                | Potencia recibida | Significa | Acción |
                |---|---|---|
                | -8 a -25 dBm | Buena | Reiniciar (paso 2) |
                | -25 a -28 dBm | Débil | Reiniciar y agendar limpieza |
                | bajo -28 dBm o nada | Fibra cortada o conector sucio | Visita técnica |

                ## 2. Reiniciarlo

                ```
                ont reset 0/3/7 12
                ```

                Espere 3 minutos y confirme que vuelve a estar `online`.

                ## 3. Dejarlo registrado

                Agregue una **nota interna** al ticket con los niveles antes y después.
                Nunca pegue la salida de la OLT en una respuesta pública: nombra los puertos
                de otros clientes.
                """
            ),
        ),
    },
)

ARTICLES = [ONT_LIGHTS, ROUTER_RESET, ONT_REMOTE]
