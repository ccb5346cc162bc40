"""No internet, drops and the 4G backup."""

from .doc import Doc, T, md

NO_INTERNET = Doc(
    key="no-internet",
    category="outages",
    days=58,
    views=812,
    request_types=("I have a problem",),
    related=("ont-lights", "router-reset", "drops"),
    texts={
        "es": T(
            "Sin internet: qué revisar primero",
            "Cinco minutos de comprobaciones que resuelven la mayoría de los cortes, y qué "
            "anotar si hay que abrir un ticket.",
            "sin internet, internet caído, corte, no hay conexión, router, ONT",
            md(
                """
                Antes de abrir un ticket, estas comprobaciones resuelven la mayoría de los
                casos, o nos dan lo que necesitamos para actuar de inmediato.

                ## 1. ¿Es un equipo o toda la oficina?

                - **Un solo computador sin internet**: pruebe con otro equipo o con un
                  celular conectado al WiFi de la oficina. Si los demás navegan, el problema
                  está en ese equipo (cable suelto, WiFi apagado, una VPN colgada).
                - **Nadie navega**: siga con el paso 2.

                ## 2. Mire las luces del ONT y del router

                | Luz | Normal | Si no está así |
                |---|---|---|
                | POWER (ONT) | Verde fija | Revise el enchufe y el transformador |
                | PON (ONT) | Verde fija | Si parpadea, se está registrando: espere 2 minutos |
                | LOS (ONT) | Apagada | Roja: no llega señal de fibra; abra un ticket |
                | WAN o Internet (router) | Verde | Roja o apagada: reinicie (paso 3) |

                Si **LOS está roja**, no reinicie nada: el corte está en la fibra y lo
                revisamos desde nuestra red. El artículo sobre las luces del ONT tiene una
                foto de cada estado.

                ## 3. Reinicie en el orden correcto

                1. Apague el router.
                2. Apague el ONT y espere 30 segundos.
                3. Encienda el ONT y espere a que PON quede verde fija (unos 2 minutos).
                4. Encienda el router y espere 3 minutos antes de probar.

                No use el botón **Reset**: borra la configuración del router.

                ## 4. Si sigue sin funcionar, abra un ticket

                Elija **Tengo un problema** e indique:

                - la sede afectada y desde qué hora no hay servicio;
                - el color de las luces LOS, PON y WAN;
                - si ya reinició los equipos, y a qué hora.

                Si toda la sede está sin servicio y el formulario le pide la prioridad,
                elija **Crítica**: tiene el plazo de primera respuesta más corto de su
                contrato.
                """
            ),
        ),
        "en": T(
            "No internet: what to check first",
            "Five minutes of checks that solve most outages, and what to note down if you "
            "need to open a ticket.",
            "no internet, internet down, outage, no connection, router, ONT",
            md(
                """
                Before you open a ticket, these checks solve most cases, or give us what we
                need to act straight away.

                ## 1. One computer or the whole office?

                - **Only one computer is offline**: try another computer, or a phone on the
                  office Wi-Fi. If the others can browse, the problem is on that computer (a
                  loose cable, Wi-Fi switched off, a stuck VPN).
                - **Nobody can browse**: go on to step 2.

                ## 2. Look at the lights on the ONT and the router

                | Light | Normal | If not |
                |---|---|---|
                | POWER (ONT) | Steady green | Check the plug and the power adapter |
                | PON (ONT) | Steady green | Blinking means it is registering: wait 2 minutes |
                | LOS (ONT) | Off | Red: no signal on the fibre; open a ticket |
                | WAN or Internet (router) | Green | Red or off: restart (step 3) |

                If **LOS is red**, do not restart anything: the fault is on the fibre and we
                check it from our network. The article on the ONT lights has a picture of
                each state.

                ## 3. Restart in the right order

                1. Switch the router off.
                2. Switch the ONT off and wait 30 seconds.
                3. Switch the ONT on and wait until PON is steady green (about 2 minutes).
                4. Switch the router on and wait 3 minutes before testing.

                Do not press the **Reset** button: it wipes the router's configuration.

                ## 4. Still down? Open a ticket

                Choose **I have a problem** and tell us:

                - the affected site, and since what time it has been down;
                - the colour of the LOS, PON and WAN lights;
                - whether you already restarted the equipment, and when.

                If the whole site is down and the form asks for a priority, choose
                **Critical**: it has the shortest first-response target in your contract.
                """
            ),
        ),
        "pt": T(
            "Sem internet: o que verificar primeiro",
            "Cinco minutos de verificações que resolvem a maioria das quedas, e o que anotar "
            "se for preciso abrir um chamado.",
            "sem internet, internet caiu, queda, sem conexão, roteador, ONT",
            md(
                """
                Antes de abrir um chamado, estas verificações resolvem a maioria dos casos,
                ou nos dão o que precisamos para agir na hora.

                ## 1. É um computador ou o escritório inteiro?

                - **Só um computador está sem internet**: teste com outro computador ou com
                  um celular no Wi-Fi do escritório. Se os outros navegam, o problema está
                  nesse computador (cabo solto, Wi-Fi desligado, uma VPN travada).
                - **Ninguém navega**: siga para o passo 2.

                ## 2. Olhe as luzes da ONT e do roteador

                | Luz | Normal | Se não estiver assim |
                |---|---|---|
                | POWER (ONT) | Verde fixa | Verifique a tomada e a fonte |
                | PON (ONT) | Verde fixa | Piscando, a ONT está se registrando: aguarde 2 minutos |
                | LOS (ONT) | Apagada | Vermelha: não chega sinal na fibra; abra um chamado |
                | WAN ou Internet (roteador) | Verde | Vermelha ou apagada: reinicie (passo 3) |

                Se a **LOS estiver vermelha**, não reinicie nada: a falha está na fibra e
                nós verificamos pela nossa rede. O artigo sobre as luzes da ONT tem uma
                imagem de cada estado.

                ## 3. Reinicie na ordem certa

                1. Desligue o roteador.
                2. Desligue a ONT e aguarde 30 segundos.
                3. Ligue a ONT e espere a PON ficar verde fixa (cerca de 2 minutos).
                4. Ligue o roteador e aguarde 3 minutos antes de testar.

                Não aperte o botão **Reset**: ele apaga a configuração do roteador.

                ## 4. Continua sem internet? Abra um chamado

                Escolha **Tenho um problema** e informe:

                - o local afetado e desde que horas está sem serviço;
                - a cor das luzes LOS, PON e WAN;
                - se já reiniciou os equipamentos, e a que horas.

                Se o local inteiro está sem serviço e o formulário pedir a prioridade,
                escolha **Crítica**: ela tem o menor prazo de primeira resposta do seu
                contrato.
                """
            ),
        ),
        "fr": T(
            "Pas d'internet : que vérifier d'abord",
            "Cinq minutes de vérifications qui règlent la plupart des coupures, et ce qu'il "
            "faut noter s'il faut ouvrir un ticket.",
            "pas d'internet, coupure, panne, plus de connexion, routeur, ONT",
            md(
                """
                Avant d'ouvrir un ticket, ces vérifications règlent la plupart des cas, ou
                nous donnent ce qu'il faut pour agir tout de suite.

                ## 1. Un poste ou tout le bureau ?

                - **Un seul poste n'a plus internet** : essayez un autre poste, ou un
                  téléphone sur le Wi-Fi du bureau. Si les autres naviguent, le problème vient
                  de ce poste (câble débranché, Wi-Fi coupé, VPN bloqué).
                - **Personne ne navigue** : passez à l'étape 2.

                ## 2. Regardez les voyants de l'ONT et du routeur

                | Voyant | Normal | Sinon |
                |---|---|---|
                | POWER (ONT) | Vert fixe | Vérifiez la prise et le bloc d'alimentation |
                | PON (ONT) | Vert fixe | S'il clignote, l'ONT s'enregistre : attendez 2 minutes |
                | LOS (ONT) | Éteint | Rouge : aucun signal sur la fibre ; ouvrez un ticket |
                | WAN ou Internet (routeur) | Vert | Rouge ou éteint : redémarrez (étape 3) |

                Si **LOS est rouge**, ne redémarrez rien : la panne est sur la fibre et nous
                la vérifions depuis notre réseau. L'article sur les voyants de l'ONT montre
                chaque état en image.

                ## 3. Redémarrez dans le bon ordre

                1. Éteignez le routeur.
                2. Éteignez l'ONT et attendez 30 secondes.
                3. Rallumez l'ONT et attendez que PON soit vert fixe (environ 2 minutes).
                4. Rallumez le routeur et attendez 3 minutes avant de tester.

                N'appuyez pas sur le bouton **Reset** : il efface la configuration du routeur.

                ## 4. Toujours rien ? Ouvrez un ticket

                Choisissez **J'ai un problème** et indiquez :

                - le site concerné et depuis quelle heure le service est coupé ;
                - la couleur des voyants LOS, PON et WAN ;
                - si vous avez déjà redémarré les équipements, et à quelle heure.

                Si tout le site est coupé et que le formulaire demande la priorité,
                choisissez **Critique** : son délai de première réponse est le plus court
                de votre contrat.
                """
            ),
        ),
    },
)

DROPS = Doc(
    key="drops",
    category="outages",
    days=41,
    views=236,
    request_types=("I have a problem",),
    related=("no-internet", "slow-wifi"),
    texts={
        "es": T(
            "La conexión se corta y vuelve",
            "Cómo registrar los cortes intermitentes para que podamos encontrar la causa.",
            "intermitente, se corta, microcortes, ping, inestable",
            md(
                """
                Un corte que dura segundos y vuelve solo es difícil de ver desde nuestra
                red. Con un registro de cuándo ocurre lo encontramos mucho antes.

                ## Deje corriendo una prueba de ping

                Desde un computador conectado **por cable** al router, abra una terminal y
                deje corriendo:

                ```
                Windows:       ping -t 8.8.8.8
                macOS, Linux:  ping 8.8.8.8
                ```

                Cuando note un corte, copie las líneas de ese momento (las que dicen
                *Tiempo de espera agotado* o *Request timeout*) y anote la hora.

                ## Qué nos ayuda a encontrar la causa

                - Si el corte ocurre **también por cable**, está en la línea o en el router.
                  Si ocurre **solo por WiFi**, vea el artículo sobre el WiFi lento.
                - Si coincide con una hora fija (una copia de seguridad, una
                  videollamada grande), díganoslo.
                - Si una luz del ONT cambia de color durante el corte, anote cuál.

                Adjunte el registro al ticket: el texto de la terminal basta.
                """
            ),
        ),
        "en": T(
            "The connection drops and comes back",
            "How to record intermittent drops so that we can find their cause.",
            "intermittent, drops, disconnects, ping, unstable",
            md(
                """
                A drop that lasts a few seconds and comes back by itself is hard to see
                from our network. With a record of when it happens we find it much sooner.

                ## Leave a ping test running

                From a computer connected to the router **by cable**, open a terminal and
                leave this running:

                ```
                Windows:       ping -t 8.8.8.8
                macOS, Linux:  ping 8.8.8.8
                ```

                When you notice a drop, copy the lines of that moment (those saying
                *Request timed out*) and note the time.

                ## What helps us find the cause

                - If it drops **on cable too**, the fault is on the line or the router. If
                  it drops **only on Wi-Fi**, see the article on slow Wi-Fi.
                - If it happens at a fixed time (a backup, a large video call), tell us.
                - If a light on the ONT changes colour during the drop, note which one.

                Attach the record to the ticket: the terminal's text is enough.
                """
            ),
        ),
        "pt": T(
            "A conexão cai e volta",
            "Como registrar as quedas intermitentes para que possamos achar a causa.",
            "intermitente, cai e volta, oscilação, ping, instável",
            md(
                """
                Uma queda que dura segundos e volta sozinha é difícil de ver pela nossa
                rede. Com um registro de quando acontece, encontramos a causa bem antes.

                ## Deixe um teste de ping rodando

                Em um computador ligado ao roteador **por cabo**, abra um terminal e deixe
                rodando:

                ```
                Windows:       ping -t 8.8.8.8
                macOS, Linux:  ping 8.8.8.8
                ```

                Quando notar uma queda, copie as linhas daquele momento (as que dizem
                *Esgotado o tempo limite* ou *Request timeout*) e anote o horário.

                ## O que nos ajuda a achar a causa

                - Se cai **também no cabo**, o problema está na linha ou no roteador. Se cai
                  **só no Wi-Fi**, veja o artigo sobre Wi-Fi lento.
                - Se acontece em um horário fixo (um backup, uma videochamada grande),
                  avise-nos.
                - Se uma luz da ONT muda de cor durante a queda, anote qual.

                Anexe o registro ao chamado: o texto do terminal basta.
                """
            ),
        ),
        "fr": T(
            "La connexion coupe et revient",
            "Comment noter les coupures intermittentes pour que nous en trouvions la cause.",
            "intermittent, micro-coupures, déconnexions, ping, instable",
            md(
                """
                Une coupure de quelques secondes qui revient seule est difficile à voir
                depuis notre réseau. Avec un relevé des moments où elle se produit, nous la
                trouvons bien plus vite.

                ## Laissez tourner un test ping

                Depuis un ordinateur relié au routeur **par câble**, ouvrez un terminal et
                laissez tourner :

                ```
                Windows:       ping -t 8.8.8.8
                macOS, Linux:  ping 8.8.8.8
                ```

                Quand vous remarquez une coupure, copiez les lignes de ce moment (celles qui
                disent *Délai d'attente de la demande dépassé* ou *Request timeout*) et
                notez l'heure.

                ## Ce qui nous aide à trouver la cause

                - Si la coupure a lieu **aussi en câble**, elle vient de la ligne ou du
                  routeur. **Seulement en Wi-Fi** : voyez l'article sur le Wi-Fi lent.
                - Si elle revient à heure fixe (une sauvegarde, une grande visioconférence),
                  dites-le-nous.
                - Si un voyant de l'ONT change de couleur pendant la coupure, notez lequel.

                Joignez le relevé au ticket : le texte du terminal suffit.
                """
            ),
        ),
    },
)

# Only in Spanish and English: the others read it with the fallback note.
BACKUP_4G = Doc(
    key="backup-4g",
    category="outages",
    days=33,
    views=97,
    related=("no-internet",),
    texts={
        "es": T(
            "Enlace 4G de respaldo: cómo funciona",
            "Cuando la fibra se corta, el router pasa solo al 4G en menos de un minuto. Qué "
            "funciona y qué no mientras tanto.",
            "4G, respaldo, backup, failover, contingencia",
            md(
                """
                Si su contrato incluye un enlace 4G de respaldo, el router lo usa solo
                cuando la fibra deja de responder, y vuelve a la fibra cuando se recupera.

                ## Qué notará

                - Un corte de **30 a 60 segundos** mientras el router cambia de enlace.
                - Una velocidad menor: el 4G está pensado para lo esencial (correo,
                  sistemas de venta, llamadas), no para descargas grandes.
                - Las conexiones VPN se reconectan: su dirección IP pública cambia mientras
                  dure el respaldo.

                ## Lo que conviene saber

                - Le avisamos por un ticket cada vez que el respaldo se activa por más de
                  10 minutos.
                - Si el 4G se corta y vuelve, abra un ticket **Tengo un problema**: puede
                  ser la antena o la cobertura del lugar.
                """
            ),
        ),
        "en": T(
            "4G backup link: how it works",
            "When the fibre goes down, the router moves to 4G by itself in under a minute. "
            "What works and what does not in the meantime.",
            "4G, backup, failover, contingency",
            md(
                """
                If your contract includes a 4G backup link, the router uses it only when
                the fibre stops answering, and goes back to the fibre when it recovers.

                ## What you will notice

                - A break of **30 to 60 seconds** while the router switches links.
                - A lower speed: 4G is meant for the essentials (e-mail, point of sale,
                  calls), not for large downloads.
                - VPN connections reconnect: your public IP address changes while the
                  backup is in use.

                ## Good to know

                - We tell you in a ticket whenever the backup is in use for more than
                  10 minutes.
                - If the 4G link itself keeps dropping, open an **I have a problem**
                  ticket: it may be the antenna or the coverage at the site.
                """
            ),
        ),
    },
)

ARTICLES = [NO_INTERNET, DROPS, BACKUP_4G]
