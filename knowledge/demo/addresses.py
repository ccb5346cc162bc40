"""IP addresses and DNS (one article with a stale translation)."""

from .doc import Doc, T, Update, md

DNS_ES = md(
    """
    Si las páginas tardan varios segundos en *empezar* a cargar pero después van
    rápido, casi siempre es el DNS: el servicio que traduce los nombres (como
    ejemplo.com) a direcciones.

    ## Compruébelo

    Abra una terminal y pregunte por un nombre a nuestros servidores:

    ```
    nslookup www.ejemplo.com 192.0.2.53
    ```

    Si la respuesta tarda más de un segundo, o dice *timed out*, abra un ticket
    **Conexión lenta**.

    ## Nuestros servidores DNS

    | | IPv4 | IPv6 |
    |---|---|---|
    | Primario | 192.0.2.53 | 2001:db8::53 |
    | Secundario | 198.51.100.53 | 2001:db8:1::53 |

    El router ya los entrega a sus equipos. Si alguien configuró a mano otros
    servidores DNS en un computador, vuelva a "Obtener automáticamente".
    """
)

DNS_ES_FLUSH = md(
    """
    ## Vacíe la caché después de un cambio

    Si cambiamos sus servidores DNS y algún equipo sigue lento, vacíe su caché:

    ```
    Windows:  ipconfig /flushdns
    macOS:    sudo dscacheutil -flushcache; sudo killall -HUP mDNSResponder
    ```
    """
)

DNS_EN = md(
    """
    If pages take several seconds to *start* loading but are fast afterwards, it is
    nearly always DNS: the service that turns names (such as example.com) into
    addresses.

    ## Check it

    Open a terminal and ask our servers for a name:

    ```
    nslookup www.example.com 192.0.2.53
    ```

    If the answer takes more than a second, or says *timed out*, open a **Slow
    connection** ticket.

    ## Our DNS servers

    | | IPv4 | IPv6 |
    |---|---|---|
    | Primary | 192.0.2.53 | 2001:db8::53 |
    | Secondary | 198.51.100.53 | 2001:db8:1::53 |

    The router already hands them to your devices. If someone set other DNS servers
    by hand on a computer, set it back to "Obtain automatically".
    """
)

DNS_EN_FLUSH = md(
    """
    ## Clear the cache after a change

    If we changed your DNS servers and a computer is still slow, clear its cache:

    ```
    Windows:  ipconfig /flushdns
    macOS:    sudo dscacheutil -flushcache; sudo killall -HUP mDNSResponder
    ```
    """
)

DNS_FR = md(
    """
    Si les pages mettent plusieurs secondes à *commencer* à s'afficher mais vont
    vite ensuite, c'est presque toujours le DNS : le service qui traduit les noms
    (comme exemple.fr) en adresses.

    ## Vérifiez-le

    Ouvrez un terminal et demandez un nom à nos serveurs :

    ```
    nslookup www.exemple.fr 192.0.2.53
    ```

    Si la réponse prend plus d'une seconde, ou indique *timed out*, ouvrez un
    ticket **Connexion lente**.

    ## Nos serveurs DNS

    | | IPv4 | IPv6 |
    |---|---|---|
    | Primaire | 192.0.2.53 | 2001:db8::53 |
    | Secondaire | 198.51.100.53 | 2001:db8:1::53 |

    Le routeur les donne déjà à vos appareils. Si quelqu'un a saisi d'autres
    serveurs DNS à la main sur un ordinateur, remettez « Obtenir automatiquement ».
    """
)

DNS_FR_FLUSH = md(
    """
    ## Videz le cache après un changement

    Si nous avons changé vos serveurs DNS et qu'un ordinateur reste lent, videz son
    cache :

    ```
    Windows:  ipconfig /flushdns
    macOS:    sudo dscacheutil -flushcache; sudo killall -HUP mDNSResponder
    ```
    """
)

DNS_TITLES = {
    "es": (
        "Las páginas tardan en empezar a cargar: el DNS",
        "Si cada sitio tarda segundos en abrir y después va rápido, revise el DNS.",
        "DNS, lento al abrir páginas, nslookup, servidores DNS, resolución",
    ),
    "en": (
        "Pages are slow to start loading: DNS",
        "If every site takes seconds to open and is fast afterwards, check DNS.",
        "DNS, slow to open pages, nslookup, DNS servers, resolution",
    ),
    "fr": (
        "Les pages tardent à s'afficher : le DNS",
        "Si chaque site met des secondes à s'ouvrir puis va vite, vérifiez le DNS.",
        "DNS, pages lentes à s'ouvrir, nslookup, serveurs DNS, résolution",
    ),
}

# Its Portuguese text was written before the cache section was added to the
# original and not brought up to date: it shows as stale.
DNS = Doc(
    key="dns",
    category="addresses",
    days=40,
    views=362,
    request_types=("Slow connection",),
    related=("no-internet", "static-ip"),
    texts={
        "es": T(*DNS_TITLES["es"], DNS_ES),
        "en": T(*DNS_TITLES["en"], DNS_EN),
        "pt": T(
            "As páginas demoram para começar a carregar: o DNS",
            "Se cada site leva segundos para abrir e depois fica rápido, verifique o DNS.",
            "DNS, lento para abrir páginas, nslookup, servidores DNS, resolução",
            md(
                """
                Se as páginas levam vários segundos para *começar* a carregar mas depois
                ficam rápidas, quase sempre é o DNS: o serviço que traduz os nomes (como
                exemplo.com.br) em endereços.

                ## Verifique

                Abra um terminal e pergunte um nome aos nossos servidores:

                ```
                nslookup www.exemplo.com.br 192.0.2.53
                ```

                Se a resposta demorar mais de um segundo, ou disser *timed out*, abra um
                chamado **Conexão lenta**.

                ## Nossos servidores DNS

                | | IPv4 | IPv6 |
                |---|---|---|
                | Primário | 192.0.2.53 | 2001:db8::53 |
                | Secundário | 198.51.100.53 | 2001:db8:1::53 |

                O roteador já os entrega aos seus aparelhos. Se alguém configurou outros
                servidores DNS à mão em um computador, volte para "Obter automaticamente".
                """
            ),
        ),
        "fr": T(*DNS_TITLES["fr"], DNS_FR),
    },
    update=Update(
        days=12,
        note="Añadida la sección sobre la caché",
        original=T(*DNS_TITLES["es"], DNS_ES + "\n" + DNS_ES_FLUSH),
        translations={
            "en": T(*DNS_TITLES["en"], DNS_EN + "\n" + DNS_EN_FLUSH),
            "fr": T(*DNS_TITLES["fr"], DNS_FR + "\n" + DNS_FR_FLUSH),
        },
    ),
)

STATIC_IP = Doc(
    key="static-ip",
    category="addresses",
    days=36,
    views=143,
    request_types=("Advanced configuration",),
    related=("dns",),
    texts={
        "en": T(
            "Static public IP addresses",
            "What a static IP is for, how to ask for one and how long it takes.",
            "static IP, fixed IP, public IP, port forwarding, server",
            md(
                """
                Your line gets a public IP address that may change when the router
                restarts. A **static** IP never changes: you need one to host a server,
                reach your office by VPN or be allowed through a supplier's firewall.

                ## How to ask for one

                Open an **Advanced configuration** ticket saying what it is for and, if a
                device in your office must answer on it, its internal address and the ports.

                | Block | Usable addresses | Typical use |
                |---|---|---|
                | /32 | 1 | VPN, a supplier's allow list |
                | /29 | 5 | Several servers or a firewall cluster |

                We configure it within two working days; the change itself takes a few
                minutes and we agree the time with you.
                """
            ),
        ),
        "es": T(
            "Direcciones IP públicas fijas",
            "Para qué sirve una IP fija, cómo pedirla y cuánto tarda.",
            "IP fija, IP estática, IP pública, redirigir puertos, servidor",
            md(
                """
                Su línea recibe una dirección IP pública que puede cambiar cuando el router
                se reinicia. Una IP **fija** no cambia nunca: se necesita para tener un
                servidor, entrar a la oficina por VPN o aparecer en la lista de acceso del
                firewall de un proveedor.

                ## Cómo pedirla

                Abra un ticket **Configuración avanzada** indicando para qué es y, si un
                equipo de su oficina debe responder en ella, su dirección interna y los
                puertos.

                | Bloque | Direcciones útiles | Uso habitual |
                |---|---|---|
                | /32 | 1 | VPN, lista de acceso de un proveedor |
                | /29 | 5 | Varios servidores o un firewall en clúster |

                La configuramos en dos días hábiles; el cambio en sí toma unos minutos y
                acordamos la hora con usted.
                """
            ),
        ),
        "pt": T(
            "Endereços IP públicos fixos",
            "Para que serve um IP fixo, como pedir e quanto tempo leva.",
            "IP fixo, IP estático, IP público, redirecionar portas, servidor",
            md(
                """
                A sua linha recebe um endereço IP público que pode mudar quando o roteador
                reinicia. Um IP **fixo** nunca muda: ele é necessário para ter um servidor,
                acessar o escritório por VPN ou entrar na lista de acesso do firewall de um
                fornecedor.

                ## Como pedir

                Abra um chamado **Configuração avançada** dizendo para que é e, se um
                aparelho do escritório deve responder nele, o endereço interno e as portas.

                | Bloco | Endereços utilizáveis | Uso comum |
                |---|---|---|
                | /32 | 1 | VPN, lista de acesso de um fornecedor |
                | /29 | 5 | Vários servidores ou um firewall em cluster |

                Configuramos em até dois dias úteis; a mudança em si leva poucos minutos e
                combinamos o horário com você.
                """
            ),
        ),
        "fr": T(
            "Adresses IP publiques fixes",
            "À quoi sert une IP fixe, comment la demander et en combien de temps.",
            "IP fixe, IP statique, IP publique, redirection de ports, serveur",
            md(
                """
                Votre ligne reçoit une adresse IP publique qui peut changer quand le routeur
                redémarre. Une IP **fixe** ne change jamais : il en faut une pour héberger
                un serveur, joindre votre bureau en VPN ou figurer dans la liste d'accès du
                pare-feu d'un fournisseur.

                ## Comment la demander

                Ouvrez un ticket **Configuration avancée** en indiquant à quoi elle sert et,
                si un appareil de votre bureau doit y répondre, son adresse interne et les
                ports.

                | Bloc | Adresses utilisables | Usage courant |
                |---|---|---|
                | /32 | 1 | VPN, liste d'accès d'un fournisseur |
                | /29 | 5 | Plusieurs serveurs ou un pare-feu en grappe |

                Nous la configurons sous deux jours ouvrés ; le changement lui-même prend
                quelques minutes et nous convenons de l'heure avec vous.
                """
            ),
        ),
    },
)

ARTICLES = [DNS, STATIC_IP]
