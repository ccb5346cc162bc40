"""Wishes and contracts, and the demo's special cases: one article for Andes Fibra only, a
draft, and one scheduled to come."""

from .doc import Doc, T, md

WISHES = Doc(
    key="wishes",
    category="wishes",
    days=34,
    views=147,
    request_types=("I have a request",),
    related=("contracts", "open-ticket"),
    texts={
        "es": T(
            "Proponer una mejora",
            "Un problema va en un ticket; algo que le gustaría tener, en Mejoras. Cómo "
            "escribirla y qué pasa después.",
            "mejora, sugerencia, pedir algo nuevo, propuesta, votar, idea",
            md(
                """
                **Mejoras** es para lo que le gustaría que cambiáramos o agregáramos a los
                servicios que gestionamos para ustedes: un informe, una red nueva, una
                alerta. Si algo dejó de funcionar, abra un ticket.

                ## Escribirla bien

                - Un título que diga el resultado: *Alerta por SMS cuando se cae la fibra*.
                - Qué necesita y **por qué**: el problema que resuelve vale más que la
                  solución que imagina.
                - El valor para su negocio (baja, media, alta, crítica) y, si la hay, una
                  fecha deseada.

                Empieza como borrador, que solo ve usted; al enviarla recibe un número
                (WSH-…).

                ## Qué pasa después

                La revisamos y puede quedar **En revisión**, pedirle cambios (**Cambios
                solicitados**: la edita y la envía de nuevo), **Aprobada** con una
                estimación de horas, **Planificada** con una fecha, en curso y terminada.
                Si no la aceptamos, le decimos por qué, y puede ajustarla y pedirla otra
                vez.

                Sus colegas pueden apoyarla con **Yo también** y comentarla.
                """
            ),
        ),
        "en": T(
            "Suggest an improvement (wishes)",
            "A problem goes in a ticket; something you would like to have, in Wishes. How to "
            "write one and what happens next.",
            "wish, suggestion, ask for something new, proposal, vote, idea",
            md(
                """
                **Wishes** is for what you would like us to change or add to the services
                we manage for you: a report, a new network, an alert. If something stopped
                working, open a ticket instead.

                ## Write it well

                - A title that says the outcome: *SMS alert when the fibre goes down*.
                - What you need and **why**: the problem it solves is worth more than the
                  solution you picture.
                - Its value for your business (low, medium, high, critical) and, if there
                  is one, a desired date.

                It starts as a draft only you see; when you submit it, it gets a number
                (WSH-…).

                ## What happens next

                We review it, and it may go **In review**, come back to you (**Changes
                requested**: edit it and send it again), be **Approved** with an estimate in
                hours, **Planned** with a date, in progress and done. If we do not accept
                it we tell you why, and you can adjust it and ask again.

                Your colleagues can back it with **Me too** and comment on it.
                """
            ),
        ),
        "pt": T(
            "Sugerir uma melhoria",
            "Um problema vai em um chamado; algo que você gostaria de ter, em Melhorias. Como "
            "escrever e o que acontece depois.",
            "melhoria, sugestão, pedir algo novo, proposta, votar, ideia",
            md(
                """
                **Melhorias** é para o que você gostaria que mudássemos ou acrescentássemos
                aos serviços que gerenciamos para vocês: um relatório, uma rede nova, um
                alerta. Se algo parou de funcionar, abra um chamado.

                ## Escreva bem

                - Um título que diga o resultado: *Alerta quando o uso do link passar de
                  80%*.
                - O que você precisa e **por quê**: o problema que ela resolve vale mais que
                  a solução que você imagina.
                - O valor para o seu negócio (baixo, médio, alto, crítico) e, se houver, uma
                  data desejada.

                Ela começa como rascunho, que só você vê; ao enviar, recebe um número
                (WSH-…).

                ## O que acontece depois

                Nós a analisamos e ela pode ficar **Em análise**, voltar para você
                (**Alterações solicitadas**: edite e envie de novo), ser **Aprovada** com
                uma estimativa de horas, **Planejada** com uma data, em andamento e
                concluída. Se não a aceitarmos, explicamos o motivo, e você pode ajustá-la e
                pedir de novo.

                Os colegas podem apoiá-la com **Eu também** e comentar.
                """
            ),
        ),
        "fr": T(
            "Proposer une amélioration (souhaits)",
            "Un problème va dans un ticket ; ce que vous aimeriez avoir, dans Souhaits. "
            "Comment le rédiger et ce qui se passe ensuite.",
            "souhait, suggestion, demander quelque chose de nouveau, proposition, voter",
            md(
                """
                **Souhaits** sert à ce que vous aimeriez que nous changions ou ajoutions aux
                services que nous gérons pour vous : un rapport, un nouveau réseau, une
                alerte. Si quelque chose ne fonctionne plus, ouvrez plutôt un ticket.

                ## Bien le rédiger

                - Un titre qui dit le résultat : *Un Wi-Fi invité pour les clients de
                  l'atelier*.
                - Ce dont vous avez besoin et **pourquoi** : le problème qu'il règle compte
                  plus que la solution que vous imaginez.
                - Sa valeur pour votre activité (faible, moyenne, haute, critique) et, le
                  cas échéant, une date souhaitée.

                Il commence comme brouillon, visible de vous seul ; une fois envoyé, il
                reçoit un numéro (WSH-…).

                ## Ce qui se passe ensuite

                Nous l'examinons ; il peut passer **En cours d'examen**, vous revenir
                (**Modifications demandées** : modifiez-le et renvoyez-le), être approuvé
                avec une estimation en heures, **Planifié** avec une date, en cours puis
                terminé. S'il n'est pas accepté, nous vous disons pourquoi, et vous pouvez
                l'ajuster et le redemander.

                Vos collègues peuvent le soutenir avec **Moi aussi** et le commenter.
                """
            ),
        ),
    },
)

CONTRACTS = Doc(
    key="contracts",
    category="wishes",
    days=32,
    views=121,
    related=("hours-bank", "hours-statement", "roles"),
    texts={
        "es": T(
            "La página de su contrato: servicios, horas y objetivos",
            "Lo que ven los administradores en Contratos, y cómo leerlo.",
            "contrato, servicios contratados, objetivos, horas, administradores",
            md(
                """
                **Contratos** solo aparece para los administradores de la organización y
                para su partner, si tiene uno.

                - **Bolsa de horas** del periodo actual: usadas, disponibles y arrastradas,
                  con una barra que cambia de color al acercarse al límite.
                - **Horas por ticket** y cada registro de tiempo: cuándo, qué se hizo,
                  quién y cuánto.
                - **Objetivos**: los proyectos acordados (por ejemplo, un despliegue de
                  WiFi) con su avance según los tickets enlazados.
                - **Servicios**: cada servicio contratado con su identificador y estado.

                La página se actualiza sola cuando registramos tiempo o avanza un objetivo.
                """
            ),
        ),
        "en": T(
            "Your contract page: services, hours and objectives",
            "What managers see under Contracts, and how to read it.",
            "contract, services, objectives, hours, managers",
            md(
                """
                **Contracts** only appears for the organisation's managers, and for its
                partner if it has one.

                - **Hours bank** of the current period: used, available and carried over,
                  with a bar that changes colour as it nears the limit.
                - **Hours per ticket** and each time entry: when, what was done, by whom
                  and how long.
                - **Objectives**: the projects agreed (for example a Wi-Fi rollout) with
                  their progress from the linked tickets.
                - **Services**: each service you subscribe to, with its identifier and
                  status.

                The page updates itself when we log time or an objective moves on.
                """
            ),
        ),
        "pt": T(
            "A página do seu contrato: serviços, horas e objetivos",
            "O que os gestores veem em Contratos, e como ler.",
            "contrato, serviços contratados, objetivos, horas, gestores",
            md(
                """
                **Contratos** só aparece para os gestores da organização e para o parceiro,
                se houver.

                - **Banco de horas** do período atual: usadas, disponíveis e trazidas, com
                  uma barra que muda de cor perto do limite.
                - **Horas por chamado** e cada registro de tempo: quando, o que foi feito,
                  por quem e quanto.
                - **Objetivos**: os projetos combinados (por exemplo, uma implantação de
                  Wi-Fi) com o avanço pelos chamados vinculados.
                - **Serviços**: cada serviço contratado com o identificador e o status.

                A página se atualiza sozinha quando registramos tempo ou um objetivo avança.
                """
            ),
        ),
        "fr": T(
            "La page de votre contrat : services, heures et objectifs",
            "Ce que voient les responsables sous Contrats, et comment le lire.",
            "contrat, services souscrits, objectifs, heures, responsables",
            md(
                """
                **Contrats** n'apparaît que pour les responsables de l'organisation, et pour
                son partenaire s'il y en a un.

                - **Banque d'heures** de la période en cours : utilisées, disponibles et
                  reportées, avec une barre qui change de couleur près de la limite.
                - **Heures par ticket** et chaque saisie de temps : quand, quoi, par qui et
                  combien.
                - **Objectifs** : les projets convenus (par exemple un déploiement Wi-Fi)
                  et leur avancement selon les tickets liés.
                - **Services** : chaque service souscrit avec son identifiant et son statut.

                La page se met à jour seule quand nous saisissons du temps ou qu'un objectif
                avance.
                """
            ),
        ),
    },
)

# Only Andes Fibra manages a firewall with us: the article is theirs alone.
FIREWALL_PORT = Doc(
    key="firewall-port",
    category="security",
    days=27,
    views=34,
    visibility="organisations",
    organisations=("andes-fibra",),
    request_types=("Advanced configuration",),
    related=("static-ip",),
    texts={
        "es": T(
            "Pedir la apertura de un puerto en su firewall gestionado",
            "Qué datos necesitamos para abrir un puerto de forma segura, y cuánto tarda.",
            "firewall, abrir puerto, regla, NAT, redirección, acceso remoto",
            md(
                """
                Abra un ticket **Configuración avanzada** con esta tabla completa:

                | Dato | Ejemplo |
                |---|---|
                | Puerto y protocolo | 8443/TCP |
                | Equipo interno | 10.0.0.15 (portal VPN) |
                | Desde dónde | Solo 203.0.113.0/24 (oficina del proveedor) |
                | Hasta cuándo | Permanente, o una fecha |

                - Nunca abrimos un puerto **a todo internet** sin una razón escrita:
                  limite siempre el origen.
                - Los cambios se aplican en la ventana de los martes y jueves de 20:00 a
                  21:00; una urgencia se evalúa aparte.
                - Le enviamos la regla aplicada en el ticket para que la guarde.
                """
            ),
        ),
        "en": T(
            "Ask for a port to be opened on your managed firewall",
            "What we need to open a port safely, and how long it takes.",
            "firewall, open port, rule, NAT, port forwarding, remote access",
            md(
                """
                Open an **Advanced configuration** ticket with this table filled in:

                | Item | Example |
                |---|---|
                | Port and protocol | 8443/TCP |
                | Internal device | 10.0.0.15 (VPN portal) |
                | From where | Only 203.0.113.0/24 (the supplier's office) |
                | Until when | Permanent, or a date |

                - We never open a port **to the whole internet** without a written reason:
                  always limit where it may be reached from.
                - Changes are applied in the Tuesday and Thursday window, 20:00 to 21:00;
                  an emergency is assessed on its own.
                - We send you the rule as applied on the ticket, for your records.
                """
            ),
        ),
    },
)

# Still being written: a draft nobody outside the team sees.
IPV6 = Doc(
    key="ipv6",
    category="addresses",
    days=3,
    draft=True,
    texts={
        "es": T(
            "IPv6 en su oficina: lo que cambia",
            "Borrador: qué cambia cuando activamos IPv6 en su línea.",
            "IPv6, direcciones, doble pila",
            md(
                """
                ## Qué cambia

                - Sus equipos reciben además una dirección IPv6.
                - (Completar: firewall, impresoras, qué probar el primer día.)
                """
            ),
        ),
    },
)

# Published ahead of time: clients see it, and are told of it, from its date.
DNS_CHANGE = Doc(
    key="dns-change",
    category="addresses",
    days=-6,
    texts={
        "es": T(
            "Nuevos servidores DNS desde el próximo mes",
            "Cambiamos nuestros servidores DNS por otros más rápidos. Si configuró DNS a mano, "
            "actualícelos.",
            "DNS, cambio de servidores, mantenimiento, configuración manual",
            md(
                """
                Los equipos que reciben la configuración del router no necesitan hacer
                nada. Si configuró a mano nuestros DNS en un servidor o un firewall,
                cámbielos por estos:

                | | Antes | Desde ahora |
                |---|---|---|
                | Primario | 192.0.2.53 | 192.0.2.153 |
                | Secundario | 198.51.100.53 | 198.51.100.153 |

                Las direcciones antiguas responderán durante 60 días más.
                """
            ),
        ),
        "en": T(
            "New DNS servers from next month",
            "We are moving to faster DNS servers. If you set our DNS by hand, update it.",
            "DNS, server change, maintenance, manual configuration",
            md(
                """
                Devices that get their settings from the router need to do nothing. If you
                set our DNS servers by hand on a server or a firewall, change them to:

                | | Before | From now on |
                |---|---|---|
                | Primary | 192.0.2.53 | 192.0.2.153 |
                | Secondary | 198.51.100.53 | 198.51.100.153 |

                The old addresses will keep answering for 60 more days.
                """
            ),
        ),
    },
)

ARTICLES = [WISHES, CONTRACTS, FIREWALL_PORT, IPV6, DNS_CHANGE]
